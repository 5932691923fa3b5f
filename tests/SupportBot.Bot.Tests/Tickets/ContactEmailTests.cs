using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Tests.Tickets;

public sealed class ContactEmailTests
{
    [Theory]
    [InlineData("dev@example.com", "dev@example.com")]
    [InlineData("  Dev.Name+kakao@mail.example.co.kr ", "Dev.Name+kakao@mail.example.co.kr")]
    [InlineData("a@b-c.io", "a@b-c.io")]
    public void A_plain_address_is_taken_trimmed(string text, string expected) =>
        Assert.Equal(expected, ContactEmail.Normalize(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dev")]
    [InlineData("dev@")]
    [InlineData("@example.com")]
    [InlineData("dev@example")]
    [InlineData("dev@@example.com")]
    [InlineData("dev at example dot com")]
    [InlineData("dev @example.com")]
    [InlineData("Dev <dev@example.com>")]
    [InlineData("dev@-example.com")]
    [InlineData("dev@example..com")]
    [InlineData("skip")]
    public void Anything_else_is_not_an_address(string? text) =>
        Assert.Null(ContactEmail.Normalize(text));

    [Fact]
    public void An_address_longer_than_254_characters_is_not_taken() =>
        Assert.Null(ContactEmail.Normalize($"{new string('a', 64)}@{string.Join('.', Enumerable.Repeat(new string('b', 60), 4))}.com"));
}
