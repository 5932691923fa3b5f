namespace SupportBot.Core.Knowledge;

/// <summary>The intent names that are not FAQ entry ids.</summary>
public static class Intents
{
    public const string OutOfScope = "out-of-scope";
    public const string Greeting = "greeting";
    public const string Thanks = "thanks";
    public const string Goodbye = "goodbye";
    public const string Help = "help";
    public const string HumanAgent = "human-agent";

    public static readonly IReadOnlyList<string> SmallTalk = [Greeting, Thanks, Goodbye, Help, HumanAgent];
}
