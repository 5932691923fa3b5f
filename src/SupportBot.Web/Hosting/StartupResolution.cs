namespace SupportBot.Web.Hosting;

/// <summary>
/// Builds a singleton while the host starts (after the options are validated), so that what
/// would otherwise fail on the first request (invalid training data, bad Bot Framework
/// credentials settings) stops the host at once with its message instead.
/// </summary>
public static class StartupResolution
{
    public static IServiceCollection ResolveAtStart<TService>(this IServiceCollection services)
        where TService : notnull =>
        services.AddHostedService<Resolver<TService>>();

    private sealed class Resolver<TService>(IServiceProvider services) : IHostedService
        where TService : notnull
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<TService>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
