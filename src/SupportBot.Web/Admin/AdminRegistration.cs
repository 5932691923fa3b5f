namespace SupportBot.Web.Admin;

/// <summary>The admin dashboard (<c>/admin</c>): its sign-in, pages, API and the retraining job.</summary>
public static class AdminRegistration
{
    public static IServiceCollection AddAdminDashboard(this IServiceCollection services)
    {
        services.AddAdminAuthentication();
        services.AddSingleton<ModelRetrainer>();
        return services;
    }

    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        app.MapAdminPages();
        app.MapDashboardApi();
        app.MapConversationPages();
        return app;
    }
}
