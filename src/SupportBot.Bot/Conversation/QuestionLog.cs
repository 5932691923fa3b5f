using Newtonsoft.Json;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// The bot's record of the user's questions in one conversation: what became of them (question, outcome and FAQ entry,
/// then the feedback), kept in ConversationState for the ticket a handoff creates, with the
/// counts that make the bot offer a person.
/// </summary>
/// <remarks>
/// Kept as it happens rather than derived from the transcript later: the transcript has the words,
/// not the classifier's decision or which entry an answer was, and re-reading the bot's replies to
/// recover them would break with every change of wording or language.
/// </remarks>
public sealed class QuestionLog
{
    public const int MaxQuestions = 10;

    public const string Helped = "helped";

    public const string NotHelpedFeedback = "not-helped";

    /// <summary>The latest questions, oldest first.</summary>
    public List<LoggedQuestion> Questions { get; set; } = [];

    /// <summary>Questions in a row that ended in the fallback.</summary>
    public int ConsecutiveFallbacks { get; set; }

    /// <summary>Answers the user said did not help, in this conversation (since the last handoff offer).</summary>
    public int NotHelped { get; set; }

    /// <summary>
    /// The questions asked or changed in this turn, for the bot to save to the question insights
    /// once the turn is over; not kept in the conversation state.
    /// </summary>
    [JsonIgnore]
    public List<LoggedQuestion> Unsaved { get; } = [];

    /// <summary>A question and what the bot did with it (an outcome of the answers contract: answer, clarify, fallback).</summary>
    public void Asked(string text, string outcome, string? entryId, double score = 0, string? closestEntryId = null)
    {
        var question = Noted(text, outcome, score, closestEntryId);
        question.EntryId = entryId;
        Questions.Add(question);
        if (Questions.Count > MaxQuestions)
        {
            Questions.RemoveRange(0, Questions.Count - MaxQuestions);
        }

        ConsecutiveFallbacks = outcome == FallbackOutcome ? ConsecutiveFallbacks + 1 : 0;
    }

    /// <summary>
    /// A message that is not a question for the handoff counts (small talk, a request for a
    /// person): saved to the insights only, so it neither resets nor adds to the fallbacks in a row.
    /// </summary>
    public LoggedQuestion Noted(string text, string outcome, double score = 0, string? closestEntryId = null)
    {
        var question = new LoggedQuestion
        {
            Id = Guid.NewGuid().ToString("N"),
            Text = text,
            Outcome = outcome,
            Score = score,
            ClosestEntryId = closestEntryId,
        };
        Unsaved.Add(question);
        return question;
    }

    /// <summary>The user picked an entry from "did you mean": the last question is answered with it.</summary>
    public void Picked(string entryId)
    {
        if (Questions.Count > 0)
        {
            Questions[^1].EntryId = entryId;
            Changed(Questions[^1]);
        }
    }

    /// <summary>The user rejected every "did you mean" candidate: the question ended in the fallback.</summary>
    public void RejectedCandidates()
    {
        if (Questions.Count > 0)
        {
            Questions[^1].Feedback = NotHelpedFeedback;
            Changed(Questions[^1]);
        }

        ConsecutiveFallbacks++;
    }

    /// <summary>"Did this answer your question?" answered for an entry.</summary>
    public void Feedback(string entryId, bool helped)
    {
        var question = Questions.LastOrDefault(q => q.EntryId == entryId);
        if (question is not null)
        {
            question.Feedback = helped ? Helped : NotHelpedFeedback;
            Changed(question);
        }

        if (!helped)
        {
            NotHelped++;
        }
    }

    /// <summary>After a handoff offer the counts start again, so a "no thanks" is not asked again at once.</summary>
    public void ResetTriggers()
    {
        ConsecutiveFallbacks = 0;
        NotHelped = 0;
    }

    // The answers contract's name for it (AnswerService.OutcomeName).
    private const string FallbackOutcome = "fallback";

    private void Changed(LoggedQuestion question)
    {
        // Questions logged before they had ids cannot be matched to a saved row.
        if (question.Id.Length > 0 && !Unsaved.Contains(question))
        {
            Unsaved.Add(question);
        }
    }
}

/// <summary>One question of the log: the text, the outcome, the FAQ entry answered (if any) and the user's feedback (if given).</summary>
public sealed class LoggedQuestion
{
    /// <summary>The id of the question's row in the question insights (empty for questions logged by an older bot).</summary>
    public string Id { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    public string Outcome { get; set; } = string.Empty;

    public string? EntryId { get; set; }

    public string? Feedback { get; set; }

    /// <summary>The classifier's probability for its top intent.</summary>
    public double Score { get; set; }

    /// <summary>The FAQ entry the classifier ranked highest, whatever the outcome.</summary>
    public string? ClosestEntryId { get; set; }
}
