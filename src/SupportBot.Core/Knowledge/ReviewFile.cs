using SupportBot.Core.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SupportBot.Core.Knowledge;

/// <summary>
/// <c>training-data/review/dashboard.yaml</c>: questions an admin assigned to an FAQ entry (or to
/// <c>out-of-scope</c>) from the dashboard, in the utterances format, so a support person reviews
/// them in a pull request and the next training reads them.
/// </summary>
public static class ReviewFile
{
    public const string FileName = "dashboard.yaml";

    /// <summary>Korean questions go to their own file, as every Korean utterance file is <c>ko-*.yaml</c> (training-data/README.md).</summary>
    public const string KoreanFileName = "ko-dashboard.yaml";

    private const string Header = """
        # Questions users asked that an admin assigned to an entry (or to out-of-scope) on the admin
        # dashboard. Read by training like utterances/; review them like any training data.

        """;

    private static readonly IDeserializer Reader = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
    private static readonly ISerializer Writer = new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    public static string PathIn(TrainingDataPaths paths) => Path.Combine(paths.Review, FileName);

    public static string KoreanPathIn(TrainingDataPaths paths) => Path.Combine(paths.Review, KoreanFileName);

    /// <summary>
    /// Adds the texts under the intent and rewrites the file atomically. Texts already in training
    /// under the same intent are skipped; returns the texts added.
    /// </summary>
    /// <exception cref="KnowledgeBaseException">
    /// The intent is unknown, or a text is in the held-out set or in training under another intent:
    /// training would refuse the data, so nothing is written.
    /// </exception>
    public static IReadOnlyList<string> Append(TrainingDataPaths paths, string intent, IEnumerable<string> texts)
    {
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(paths);
        if (!knowledgeBase.IsKnownIntent(intent))
        {
            throw new KnowledgeBaseException($"'{intent}' is not an FAQ entry id, a small-talk intent or '{Intents.OutOfScope}'.");
        }

        var training = TrainingDataLoader.LoadTraining(paths, knowledgeBase).ToLookup(u => TextNormalizer.Normalize(u.Text));
        var heldOut = TrainingDataLoader.LoadUtterances(paths.HeldOut, knowledgeBase).ToLookup(u => TextNormalizer.Normalize(u.Text));
        var added = new List<string>();
        foreach (var text in texts.Select(t => t.Trim()).Where(t => TextNormalizer.Normalize(t).Length > 0))
        {
            var key = TextNormalizer.Normalize(text);
            if (heldOut[key].FirstOrDefault() is { } test)
            {
                throw new KnowledgeBaseException($"\"{text}\" is in the held-out set ({test.Source}); a test question cannot be trained on.");
            }

            if (training[key].FirstOrDefault() is { } known)
            {
                if (known.Intent != intent)
                {
                    throw new KnowledgeBaseException($"\"{text}\" is already in training under '{known.Intent}' ({known.Source}).");
                }

                continue;
            }

            if (!added.Any(a => TextNormalizer.Normalize(a) == key))
            {
                added.Add(text);
            }
        }

        foreach (var (path, korean) in new[] { (KoreanPathIn(paths), true), (PathIn(paths), false) })
        {
            var inFile = added.Where(t => Language.IsKorean(t) == korean).ToList();
            if (inFile.Count > 0)
            {
                Write(paths, path, intent, inFile);
            }
        }

        return added;
    }

    private static void Write(TrainingDataPaths paths, string path, string intent, IReadOnlyList<string> texts)
    {
        var intents = File.Exists(path)
            ? Reader.Deserialize<UtteranceFile>(File.ReadAllText(path))?.Intents ?? []
            : [];
        if (!intents.TryGetValue(intent, out var list) || list is null)
        {
            intents[intent] = list = [];
        }

        list.AddRange(texts);
        var sorted = new UtteranceFile { Intents = intents.OrderBy(i => i.Key, StringComparer.Ordinal).ToDictionary(i => i.Key, i => i.Value) };

        // Written beside the file and moved over it: a training run never reads half a file.
        Directory.CreateDirectory(paths.Review);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, Header + Writer.Serialize(sorted));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed class UtteranceFile
    {
        public Dictionary<string, List<string>>? Intents { get; set; }
    }
}
