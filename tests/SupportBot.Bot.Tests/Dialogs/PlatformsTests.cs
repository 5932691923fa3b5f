using SupportBot.Bot.Dialogs;

namespace SupportBot.Bot.Tests.Dialogs;

public sealed class PlatformsTests
{
    [Theory]
    [InlineData("Android", "android")]
    [InlineData("on my iPhone app", "ios")]
    [InlineData("we use the js sdk on the web", "javascript")]
    [InlineData("Objective-C", "ios")]
    [InlineData("REST API", "rest-api")]
    [InlineData("calling it from our backend server", "rest-api")]
    [InlineData("not sure", null)]
    [InlineData("android and ios both", null)]
    [InlineData("", null)]
    public void Recognises_the_one_platform_a_reply_names(string text, string? expected)
    {
        Assert.Equal(expected, Platforms.Recognize(text));
    }
}
