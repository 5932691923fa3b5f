using Microsoft.Extensions.Time.Testing;
using SupportBot.Web.Http;

namespace SupportBot.Web.Tests.Http;

public sealed class PostsPerKeyTests
{
    private static readonly RateLimit ThreeAMinute = new() { PermitLimit = 3, Window = TimeSpan.FromMinutes(1) };

    [Fact]
    public void A_key_posts_up_to_the_limit_and_is_then_told_how_long_to_wait()
    {
        var clock = new FakeTimeProvider();
        var posts = new PostsPerKey(ThreeAMinute, clock);

        Assert.Null(posts.TryPost("conversation"));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(posts.TryPost("conversation"));
        Assert.Null(posts.TryPost("conversation"));

        Assert.Equal(TimeSpan.FromSeconds(40), posts.TryPost("conversation"));
    }

    [Fact]
    public void The_window_opened_by_a_keys_first_post_ends_and_a_new_one_allows_the_limit_again()
    {
        var clock = new FakeTimeProvider();
        var posts = new PostsPerKey(ThreeAMinute, clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(posts.TryPost("conversation"));
        }

        clock.Advance(TimeSpan.FromMinutes(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(posts.TryPost("conversation"));
        }

        Assert.NotNull(posts.TryPost("conversation"));
    }

    [Fact]
    public void Keys_are_counted_apart()
    {
        var posts = new PostsPerKey(ThreeAMinute, new FakeTimeProvider());
        for (var i = 0; i < 3; i++)
        {
            posts.TryPost("busy");
        }

        Assert.NotNull(posts.TryPost("busy"));
        Assert.Null(posts.TryPost("quiet"));
    }

    [Fact]
    public void A_key_whose_window_ended_long_ago_and_was_swept_starts_afresh()
    {
        var clock = new FakeTimeProvider();
        var posts = new PostsPerKey(ThreeAMinute, clock);
        for (var i = 0; i < 3; i++)
        {
            posts.TryPost("old");
        }

        // Another key's post after the window sweeps "old" away.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(posts.TryPost("other"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(posts.TryPost("old"));
        }

        Assert.NotNull(posts.TryPost("old"));
    }

    [Fact]
    public void A_limit_of_zero_is_no_limit()
    {
        var posts = new PostsPerKey(new RateLimit { PermitLimit = 0, Window = TimeSpan.FromMinutes(1) }, new FakeTimeProvider());

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Null(posts.TryPost("conversation")));
    }
}
