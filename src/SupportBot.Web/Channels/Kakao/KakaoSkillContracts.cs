using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// A skill request as Kakao i Open Builder POSTs it (skill guide, "SkillPayload"). Only what the
/// bot reads is typed; the rest (<c>params</c>, <c>detailParams</c>, <c>clientExtra</c>,
/// <c>contexts</c>, user properties) is taken as any JSON and not kept.
/// </summary>
public sealed record KakaoSkillRequest(KakaoIntent? Intent, KakaoUserRequest? UserRequest, KakaoBot? Bot, KakaoAction? Action, JsonElement? Contexts, JsonElement? Flow);

/// <summary>The block whose utterance matched (<c>intent</c>).</summary>
public sealed record KakaoIntent(string? Id, string? Name, JsonElement? Extra);

/// <summary>What the user said and who they are (<c>userRequest</c>).</summary>
public sealed record KakaoUserRequest(
    string? Utterance,
    KakaoUser? User,
    string? Lang,
    string? Timezone,
    KakaoBlock? Block,
    JsonElement? Params,
    string? CallbackUrl);

/// <summary>The user: <c>id</c> is the botUserKey, stable per user and bot (at most 70 characters).</summary>
public sealed record KakaoUser(string? Id, string? Type, JsonElement? Properties);

/// <summary>A block of the Open Builder scenario.</summary>
public sealed record KakaoBlock(string? Id, string? Name);

/// <summary>The bot that called (<c>bot</c>).</summary>
public sealed record KakaoBot(string? Id, string? Name);

/// <summary>The skill's action; <c>clientExtra</c> is the <c>extra</c> of a tapped quick reply or button.</summary>
public sealed record KakaoAction(string? Id, string? Name, JsonElement? Params, JsonElement? DetailParams, JsonElement? ClientExtra);

/// <summary>A skill response of version 2.0 (without <c>version</c>, Open Builder reads the old format).</summary>
public sealed record KakaoSkillResponse(KakaoTemplate Template)
{
    [JsonPropertyOrder(-1)]
    public string Version => "2.0";
}

/// <summary>One to three outputs, and the quick replies under them.</summary>
public sealed record KakaoTemplate(IReadOnlyList<KakaoOutput> Outputs, IReadOnlyList<KakaoQuickReply>? QuickReplies);

/// <summary>One output component: exactly one of its properties is set.</summary>
public sealed record KakaoOutput
{
    public KakaoSimpleText? SimpleText { get; init; }

    public KakaoTextCard? TextCard { get; init; }

    public KakaoListCard? ListCard { get; init; }

    public KakaoCarousel? Carousel { get; init; }
}

/// <summary>Plain text, at most 1,000 characters.</summary>
public sealed record KakaoSimpleText(string Text);

/// <summary>Text with buttons; title and description together at most 400 characters.</summary>
public sealed record KakaoTextCard(string? Title, string Description, IReadOnlyList<KakaoButton> Buttons);

/// <summary>A button of a card: <c>message</c>, <c>webLink</c> or <c>operator</c> (the channel's 1:1 chat with a person).</summary>
public sealed record KakaoButton(string Label, string Action, string? WebLinkUrl = null, string? MessageText = null);

/// <summary>A list with a header and at most 5 items (4 inside a carousel).</summary>
public sealed record KakaoListCard(KakaoListHeader Header, IReadOnlyList<KakaoListItem> Items);

/// <summary>The header line of a list card.</summary>
public sealed record KakaoListHeader(string Title);

/// <summary>A list item that sends <see cref="MessageText"/> when tapped.</summary>
public sealed record KakaoListItem(string Title, string Action, string MessageText);

/// <summary>Cards side by side, here list cards.</summary>
public sealed record KakaoCarousel(string Type, IReadOnlyList<KakaoListCard> Items);

/// <summary>A quick reply: a short <see cref="Label"/>, the whole text in <see cref="MessageText"/>.</summary>
public sealed record KakaoQuickReply(string Label, string Action, string MessageText);

/// <summary>The JSON settings of both directions: camelCase, nulls left out.</summary>
public static class KakaoJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,
    };
}
