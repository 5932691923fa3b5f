using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Hosting;

/// <summary>
/// What SIGTERM does, in order: /readyz answers 503 at once and the Direct Line WebSockets close
/// with 1001 (going away), so clients and the load balancer move to another instance; the host
/// keeps serving for <c>Shutdown:DrainDelay</c>; then it answers every new request with a 503
/// (Retry-After, Connection: close) while the turns in flight finish, within
/// <c>Shutdown:Timeout</c>. An accepted turn is answered; a refused one was never started.
/// </summary>
public static class GracefulShutdown
{
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services)
    {
        services.AddValidatedOptions<ShutdownOptions>(ShutdownOptions.Section);
        services.AddSingleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddSingleton<ShutdownState>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownState>());
        return services;
    }

    /// <summary>Refuses new work once the drain is over; health and metrics stay answered to the end.</summary>
    public static IApplicationBuilder UseGracefulShutdown(this IApplicationBuilder app, params string[] alwaysServed) =>
        app.UseMiddleware<NewWorkGate>((object)alwaysServed);

    private sealed class NewWorkGate(RequestDelegate next, ShutdownState state, string[] alwaysServed)
    {
        public Task InvokeAsync(HttpContext context)
        {
            if (!state.RefusesNewWork || alwaysServed.Any(path => context.Request.Path.StartsWithSegments(path)))
            {
                return next(context);
            }

            context.Response.Headers.RetryAfter = "5";
            context.Response.Headers.Connection = "close";
            return TypedResults.Problem(
                title: "The service is stopping",
                detail: "This instance is shutting down and takes no new requests; send it again (another instance will answer).",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
    }
}

/// <summary>
/// Where the host is in its shutdown. As a lifecycle service its <see cref="StoppingAsync"/> runs
/// after SIGTERM and before the web server stops: that is the drain.
/// </summary>
public sealed class ShutdownState(
    IHostApplicationLifetime lifetime,
    IOptions<ShutdownOptions> options,
    TimeProvider time,
    ILogger<ShutdownState> logger) : IHostedLifecycleService
{
    private volatile bool _refusesNewWork;
    private volatile Task? _drain;

    /// <summary>True from SIGTERM on: the instance should get no new traffic.</summary>
    public bool IsStopping => _drain is not null || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>True once the drain is over: new requests get a 503.</summary>
    public bool RefusesNewWork => _refusesNewWork;

    /// <summary>The drain, then new work is refused; once, however often the host is asked to stop.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => _drain ??= DrainAsync(cancellationToken);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var drain = options.Value.DrainDelay;
        if (drain > TimeSpan.Zero)
        {
            logger.LogInformation("Stopping: not ready, still serving for {DrainDelay}", drain);
            try
            {
                await Task.Delay(drain, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ended the drain early.
            }
        }

        _refusesNewWork = true;
        logger.LogInformation("Stopping: new requests get 503; finishing the requests in flight within {ShutdownTimeout}", options.Value.Timeout);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
