using SupportBot.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SupportBot.Core.Knowledge;

/// <summary>
/// Reads and validates <c>training-data/</c>: the knowledge base, the training utterances and the
/// held-out set. Every problem is reported with the file and the entry or utterance at fault.
/// </summary>
public static class TrainingDataLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    public static KnowledgeBase LoadKnowledgeBase(TrainingDataPaths paths)
    {
        if (!Directory.Exists(paths.KnowledgeBase))
        {
            throw new KnowledgeBaseException($"{paths.KnowledgeBase}: the knowledge base folder does not exist.");
        }

        var entries = new List<FaqEntry>();
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        var categoryFiles = YamlFiles(paths.KnowledgeBase)
            .Where(f => f != paths.SmallTalkFile)
            .Select(f => (File: f, Dto: Read<CategoryFile>(f)))
            .OrderBy(c => c.Dto.Order ?? int.MaxValue);
        foreach (var (file, dto) in categoryFiles)
        {
            var category = Required(dto.Category, file, "category");
            if (dto.Entries is not { Count: > 0 })
            {
                throw new KnowledgeBaseException($"{Name(file)}: no entries.");
            }

            foreach (var (e, index) in dto.Entries.Select((e, i) => (e, i)))
            {
                var id = Required(e.Id, file, $"entry #{index + 1}: id");
                if (!IsSlug(id))
                {
                    throw new KnowledgeBaseException($"{Name(file)}: entry '{id}': the id must be a lower-case slug (a-z, 0-9, '-').");
                }

                if (!origin.TryAdd(id, file))
                {
                    throw new KnowledgeBaseException($"{Name(file)}: entry '{id}': duplicate id, also in {Name(origin[id])}.");
                }

                entries.Add(new FaqEntry(
                    id,
                    category,
                    Required(e.Question, file, $"entry '{id}': question"),
                    Required(e.Answer, file, $"entry '{id}': answer").TrimEnd(),
                    e.Related ?? [],
                    (e.Platforms ?? []).ToDictionary(p => p.Key, p => p.Value.TrimEnd(), StringComparer.OrdinalIgnoreCase)));
            }
        }

        if (entries.Count == 0)
        {
            throw new KnowledgeBaseException($"{paths.KnowledgeBase}: no FAQ entries.");
        }

        foreach (var entry in entries)
        {
            foreach (var related in entry.Related)
            {
                if (!origin.ContainsKey(related) || related == entry.Id)
                {
                    throw new KnowledgeBaseException(
                        $"{Name(origin[entry.Id])}: entry '{entry.Id}': related id '{related}' is {(related == entry.Id ? "the entry itself" : "not an entry")}.");
                }
            }
        }

        var smallTalk = LoadSmallTalk(paths.SmallTalkFile, origin);
        return new KnowledgeBase(entries, smallTalk, ProductAreaFile.Load(paths.AreasFile));
    }

    /// <summary>
    /// Training utterances, plus every canonical FAQ question (the most faithful example of its
    /// own intent) and the reviewed questions of <c>review/</c> when there are any. An utterance
    /// under two intents is an error: the classifier cannot learn both.
    /// </summary>
    public static IReadOnlyList<LabeledUtterance> LoadTraining(TrainingDataPaths paths, KnowledgeBase knowledgeBase)
    {
        var canonical = knowledgeBase.Entries
            .Select(e => new LabeledUtterance(e.Question, e.Id, $"knowledge-base ({e.Category})"));
        var reviewed = Directory.Exists(paths.Review) ? LoadUtterances(paths.Review, knowledgeBase) : [];
        return Deduplicate(canonical.Concat(LoadUtterances(paths.Utterances, knowledgeBase)).Concat(reviewed));
    }

    /// <summary>
    /// The held-out set, refused if any of it (after normalisation) also appears in training:
    /// a test utterance that training has seen measures memory, not understanding.
    /// </summary>
    public static IReadOnlyList<LabeledUtterance> LoadHeldOut(
        TrainingDataPaths paths, KnowledgeBase knowledgeBase, IReadOnlyList<LabeledUtterance> training)
    {
        var heldOut = Deduplicate(LoadUtterances(paths.HeldOut, knowledgeBase));
        var seen = training.ToLookup(u => TextNormalizer.Normalize(u.Text));
        foreach (var utterance in heldOut)
        {
            var twin = seen[TextNormalizer.Normalize(utterance.Text)].FirstOrDefault();
            if (twin is not null)
            {
                throw new KnowledgeBaseException(
                    $"{utterance.Source}: held-out utterance \"{utterance.Text}\" ({utterance.Intent}) is also in training ({twin.Source}, {twin.Intent}).");
            }
        }

        return heldOut;
    }

    /// <summary>Every utterance file in a folder, validated against the knowledge base.</summary>
    public static IReadOnlyList<LabeledUtterance> LoadUtterances(string folder, KnowledgeBase knowledgeBase)
    {
        if (!Directory.Exists(folder))
        {
            throw new KnowledgeBaseException($"{folder}: the utterance folder does not exist.");
        }

        var utterances = new List<LabeledUtterance>();
        foreach (var file in YamlFiles(folder))
        {
            var dto = Read<UtteranceFile>(file);
            if (dto.Intents is not { Count: > 0 })
            {
                throw new KnowledgeBaseException($"{Name(file)}: no intents.");
            }

            foreach (var (intent, texts) in dto.Intents)
            {
                if (!knowledgeBase.IsKnownIntent(intent))
                {
                    throw new KnowledgeBaseException($"{Name(file)}: intent '{intent}' is not an FAQ entry id, a small-talk intent or '{Intents.OutOfScope}'.");
                }

                foreach (var text in texts ?? [])
                {
                    if (string.IsNullOrWhiteSpace(text) || TextNormalizer.Normalize(text).Length == 0)
                    {
                        throw new KnowledgeBaseException($"{Name(file)}: intent '{intent}': an utterance is empty.");
                    }

                    utterances.Add(new LabeledUtterance(text.Trim(), intent, Name(file)));
                }
            }
        }

        return utterances;
    }

    // The same text twice under one intent is harmless and dropped; under two intents it is an error.
    private static List<LabeledUtterance> Deduplicate(IEnumerable<LabeledUtterance> utterances)
    {
        var byText = new Dictionary<string, LabeledUtterance>(StringComparer.Ordinal);
        var kept = new List<LabeledUtterance>();
        foreach (var utterance in utterances)
        {
            var key = TextNormalizer.Normalize(utterance.Text);
            if (byText.TryGetValue(key, out var first))
            {
                if (first.Intent != utterance.Intent)
                {
                    throw new KnowledgeBaseException(
                        $"{utterance.Source}: utterance \"{utterance.Text}\" is under intent '{utterance.Intent}' and also under '{first.Intent}' ({first.Source}).");
                }

                continue;
            }

            byText.Add(key, utterance);
            kept.Add(utterance);
        }

        return kept;
    }

    private static List<SmallTalkIntent> LoadSmallTalk(string file, IReadOnlyDictionary<string, string> faqIds)
    {
        if (!File.Exists(file))
        {
            throw new KnowledgeBaseException($"{file}: the small-talk file does not exist.");
        }

        var dto = Read<SmallTalkFile>(file);
        var intents = new List<SmallTalkIntent>();
        foreach (var s in dto.Intents ?? [])
        {
            var id = Required(s.Id, file, "small-talk intent: id");
            if (!Intents.SmallTalk.Contains(id))
            {
                throw new KnowledgeBaseException($"{Name(file)}: intent '{id}' is not one of {string.Join(", ", Intents.SmallTalk)}.");
            }

            if (faqIds.ContainsKey(id) || intents.Any(i => i.Id == id))
            {
                throw new KnowledgeBaseException($"{Name(file)}: intent '{id}': duplicate id.");
            }

            intents.Add(new SmallTalkIntent(id, Required(s.Reply, file, $"intent '{id}': reply").TrimEnd()));
        }

        var missing = Intents.SmallTalk.Except(intents.Select(i => i.Id)).ToList();
        if (missing.Count > 0)
        {
            throw new KnowledgeBaseException($"{Name(file)}: missing small-talk intents: {string.Join(", ", missing)}.");
        }

        return intents;
    }

    private static T Read<T>(string file)
        where T : new()
    {
        try
        {
            using var reader = File.OpenText(file);
            return Yaml.Deserialize<T>(reader) ?? new T();
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException?.Message ?? ex.Message).Split('\n')[0];
            throw new KnowledgeBaseException($"{Name(file)}:{ex.Start.Line}: {reason}", ex);
        }
    }

    private static string Required(string? value, string file, string what) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new KnowledgeBaseException($"{Name(file)}: {what} is missing or empty.")
            : value;

    private static bool IsSlug(string id) =>
        id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && !id.StartsWith('-') && !id.EndsWith('-');

    private static IEnumerable<string> YamlFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal);

    // Paths in messages relative to training-data/, which is how a reviewer knows the file.
    private static string Name(string file)
    {
        var dir = Path.GetFileName(Path.GetDirectoryName(file));
        return $"{dir}/{Path.GetFileName(file)}";
    }

    private sealed class CategoryFile
    {
        public string? Category { get; set; }

        public int? Order { get; set; }

        public List<EntryDto>? Entries { get; set; }
    }

    private sealed class EntryDto
    {
        public string? Id { get; set; }

        public string? Question { get; set; }

        public string? Answer { get; set; }

        public List<string>? Related { get; set; }

        public Dictionary<string, string>? Platforms { get; set; }
    }

    private sealed class SmallTalkFile
    {
        public List<SmallTalkDto>? Intents { get; set; }
    }

    private sealed class SmallTalkDto
    {
        public string? Id { get; set; }

        public string? Reply { get; set; }
    }

    private sealed class UtteranceFile
    {
        public Dictionary<string, List<string>>? Intents { get; set; }
    }
}
