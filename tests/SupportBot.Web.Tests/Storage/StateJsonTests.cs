using SupportBot.Bot.Conversation;
using SupportBot.Bot.Storage;

namespace SupportBot.Web.Tests.Storage;

/// <summary>The state document format every provider shares: typed round trips, and no types from outside the allowed assemblies.</summary>
public sealed class StateJsonTests
{
    [Theory]
    [InlineData("""{"$type":"System.Diagnostics.Process, System.Diagnostics.Process"}""")]
    [InlineData("""{"$type":"System.Collections.Generic.List`1[[System.Diagnostics.Process, System.Diagnostics.Process]], System.Private.CoreLib","$values":[]}""")]
    [InlineData("""{"$type":"System.Diagnostics.Process[], System.Diagnostics.Process","$values":[]}""")]
    [InlineData("""{"$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Object, System.Private.CoreLib]], System.Private.CoreLib","safe":"text","nested":{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework","MethodName":"Start"}}""")]
    public void A_document_naming_a_type_outside_the_allowed_assemblies_is_refused(string document)
    {
        var refused = Assert.Throws<InvalidDataException>(() => StateJson.Deserialize(document, "tampered"));

        Assert.Contains("not allowed in bot state", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_naming_a_type_that_does_not_exist_is_refused_with_its_key()
    {
        var refused = Assert.Throws<InvalidDataException>(() =>
            StateJson.Deserialize("""{"$type":"SupportBot.Bot.NoSuchType, SupportBot.Bot"}""", "user/42"));

        Assert.Contains("'user/42'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bot_dialog_stack_round_trips_with_its_types()
    {
        var state = new Dictionary<string, object>
        {
            [SupportDialogState.PropertyName] = new SupportDialogState
            {
                Stack = [new DialogFrame { DialogId = "answer", Step = "helped?", Values = new() { ["entry"] = "logout" }, Retries = 1 }],
            },
        };

        var restored = Assert.IsType<Dictionary<string, object>>(StateJson.Deserialize(StateJson.Serialize(state), "conversation"));

        var frame = Assert.Single(Assert.IsType<SupportDialogState>(restored[SupportDialogState.PropertyName]).Stack);
        Assert.Equal(("answer", "helped?", "logout", 1), (frame.DialogId, frame.Step, frame.Get("entry"), frame.Retries));
    }

    [Fact]
    public void State_stored_under_the_types_old_names_with_every_type_named_is_read_as_the_renamed_types()
    {
        // As earlier versions wrote it: every object's type named (TypeNameHandling.All), under the names before the renames.
        const string Stored = """
            {"$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Object, System.Private.CoreLib]], System.Private.CoreLib",
             "DialogState":{"$type":"SupportBot.Bot.Conversation.DialogState, SupportBot.Bot",
              "Stack":{"$type":"System.Collections.Generic.List`1[[SupportBot.Bot.Conversation.DialogFrame, SupportBot.Bot]], System.Private.CoreLib","$values":[
               {"$type":"SupportBot.Bot.Conversation.DialogFrame, SupportBot.Bot","DialogId":"answer","Step":"helped?",
                "Values":{"$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.String, System.Private.CoreLib]], System.Private.CoreLib","entry":"logout"},"Retries":0}]},
              "Language":"en",
              "Log":{"$type":"SupportBot.Bot.Conversation.ConversationLog, SupportBot.Bot",
               "Questions":{"$type":"System.Collections.Generic.List`1[[SupportBot.Bot.Conversation.LoggedQuestion, SupportBot.Bot]], System.Private.CoreLib","$values":[]},
               "ConsecutiveFallbacks":2,"NotHelped":0}}}
            """;

        var restored = Assert.IsType<Dictionary<string, object>>(StateJson.Deserialize(Stored, "conversation"));

        var dialog = Assert.IsType<SupportDialogState>(restored[SupportDialogState.PropertyName]);
        Assert.Equal(("answer", "logout"), (Assert.Single(dialog.Stack).DialogId, dialog.Stack[0].Get("entry")));
        Assert.Equal(2, dialog.Log.ConsecutiveFallbacks);
    }

    [Fact]
    public void Only_the_types_the_declarations_do_not_tell_are_named_in_a_written_document()
    {
        var state = new Dictionary<string, object>
        {
            [SupportDialogState.PropertyName] = new SupportDialogState
            {
                Stack = [new DialogFrame { DialogId = "answer", Step = "helped?" }],
                Log = new QuestionLog { ConsecutiveFallbacks = 1 },
            },
        };

        var written = StateJson.Serialize(state);

        // The state dictionary and its value, typed as object, are named; the lists and the log, declared, are not.
        Assert.Equal(2, written.Split("\"$type\"").Length - 1);
        Assert.Contains("SupportBot.Bot.Conversation.SupportDialogState, SupportBot.Bot", written, StringComparison.Ordinal);
        Assert.DoesNotContain("$values", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Generic_types_over_allowed_assemblies_are_resolved()
    {
        var value = new Dictionary<string, List<SupportCase>> { ["open"] = [new SupportCase { Id = "c-1" }] };

        var restored = Assert.IsType<Dictionary<string, List<SupportCase>>>(StateJson.Deserialize(StateJson.Serialize(value), "cases"));

        Assert.Equal("c-1", Assert.Single(restored["open"]).Id);
    }
}
