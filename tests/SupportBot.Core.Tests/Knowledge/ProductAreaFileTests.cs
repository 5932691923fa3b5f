using SupportBot.Core.Evaluation;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Knowledge;

/// <summary>training-data/areas.yaml: the shipped file loads, a broken one is refused with its line, questions find their area.</summary>
public sealed class ProductAreaFileTests
{
    private const string Valid = """
        areas:
          - id: kakao-pay
            name: Kakao Pay
            nameKo: 카카오페이
            docs: [https://developers.kakaopay.com/docs/payment/online/common]
            docsKo: [https://developers.kakaopay.com/docs/payment/online/common]
            terms: [kakao pay, refund, 카카오페이]
          - id: kakao-maps
            name: Kakao Maps
            nameKo: 카카오맵
            docs: [https://apis.map.kakao.com/]
            docsKo: [https://apis.map.kakao.com/]
            terms: [map, marker, 지도]
        """;

    private static readonly ProductAreaMap Shipped = ProductAreaFile.Load(RepositoryPaths.TrainingData.AreasFile);

    [Fact]
    public void The_shipped_file_loads_with_the_areas_the_issue_names()
    {
        Assert.Equal(
            ["kakao-login", "kakao-sdk", "kakaotalk-message", "kakaotalk-channel", "kakao-maps", "kakao-pay"],
            new[] { "kakao-login", "kakao-sdk", "kakaotalk-message", "kakaotalk-channel", "kakao-maps", "kakao-pay" }.Intersect(Shipped.Areas.Select(a => a.Id)));
        Assert.All(Shipped.Areas, area => Assert.All(area.Docs.Concat(area.DocsKo), d => Assert.StartsWith("https://", d)));
    }

    [Fact]
    public void The_knowledge_base_carries_the_shipped_areas() =>
        Assert.Equal(Shipped.Areas.Count, TrainingDataLoader.LoadKnowledgeBase(RepositoryPaths.TrainingData).Areas.Areas.Count);

    [Theory]
    [InlineData("how long does a kakao refresh token stay valid", "kakao-login")]
    [InlineData("cocoapods cannot find KakaoSDKAuth", "kakao-sdk")]
    [InlineData("how do I put 3000 markers on the kakao map", "kakao-maps")]
    [InlineData("alimtalk template review takes forever", "business-message")]
    [InlineData("카카오페이 부분 환불은 어떻게 해요", "kakao-pay")]
    [InlineData("리프레시 토큰 만료 기간이 궁금해요", "kakao-login")]
    [InlineData("채널 추가 버튼을 앱에 넣고 싶어요", "kakaotalk-channel")]
    public void A_question_finds_the_area_it_is_about(string question, string area) =>
        Assert.Equal(area, Shipped.Find(question)?.Id);

    [Fact]
    public void Most_held_out_near_domain_questions_name_their_area()
    {
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(RepositoryPaths.TrainingData);
        var nearDomain = TrainingDataLoader.LoadUtterances(RepositoryPaths.TrainingData.HeldOut, knowledgeBase).Where(Evaluator.IsNearDomain).ToList();

        Assert.True(nearDomain.Count(u => Shipped.Find(u.Text) is not null) >= 0.8 * nearDomain.Count, "fewer than 80% name an area");
    }

    [Theory]
    [InlineData("what is a good recipe for kimchi stew")]
    [InlineData("")]
    public void A_question_about_no_area_finds_none(string question) => Assert.Null(Shipped.Find(question));

    [Fact]
    public void Two_areas_matching_equally_name_neither() =>
        Assert.Null(ProductAreaFile.Parse(Valid).Find("refund marker"));

    [Theory]
    [InlineData("areas:\n  - id: kakao-pay\n    name: [unclosed\n", "areas.yaml:")]
    [InlineData("entries: []\n", "areas.yaml:1: expected 'areas:'")]
    [InlineData("areas:\n  - id: Kakao Pay\n    name: a\n    nameKo: b\n    docs: [https://a.example]\n    docsKo: [https://a.example]\n    terms: [pay]\n", "areas.yaml:2: area 'Kakao Pay': the id must be a lower-case slug")]
    [InlineData("areas:\n  - id: kakao-pay\n    nameKo: b\n    docs: [https://a.example]\n    docsKo: [https://a.example]\n    terms: [pay]\n", "areas.yaml:2: area 'kakao-pay': 'name' is missing or empty")]
    [InlineData("areas:\n  - id: kakao-pay\n    name: a\n    nameKo: b\n    docs: [http://a.example]\n    docsKo: [https://a.example]\n    terms: [pay]\n", "areas.yaml:5: area 'kakao-pay': 'http://a.example' in 'docs' is not an https address")]
    [InlineData("areas:\n  - id: kakao-pay\n    name: a\n    nameKo: b\n    doc: [https://a.example]\n    terms: [pay]\n", "areas.yaml:5: unknown key 'doc'")]
    [InlineData("areas:\n  - id: kakao-pay\n    name: a\n    nameKo: b\n    docs: [https://a.example]\n    docsKo: [https://a.example]\n    terms: []\n", "areas.yaml:2: area 'kakao-pay': 'terms' must be a list")]
    public void A_broken_file_is_refused_with_the_file_and_line_of_the_fault(string yaml, string expected)
    {
        var error = Assert.Throws<KnowledgeBaseException>(() => ProductAreaFile.Parse(yaml));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_term_in_two_areas_is_refused_naming_both_lines()
    {
        var error = Assert.Throws<KnowledgeBaseException>(() => ProductAreaFile.Parse(Valid.Replace("[map, marker, 지도]", "[map, Refund, 지도]", StringComparison.Ordinal)));

        Assert.Equal("areas.yaml:13: area 'kakao-maps': the term 'Refund' is also a term of area 'kakao-pay' (line 7); a term names one area.", error.Message);
    }

    [Fact]
    public void A_broken_file_in_training_data_stops_the_knowledge_base_from_loading()
    {
        var data = new TrainingDataPaths(Directory.CreateTempSubdirectory("supportbot-areas-").FullName);
        try
        {
            CopyFolder(RepositoryPaths.TrainingData.KnowledgeBase, data.KnowledgeBase);
            File.WriteAllText(data.AreasFile, "areas:\n  - id: kakao-pay\n");

            var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(data));
            Assert.StartsWith("areas.yaml:2: area 'kakao-pay': 'terms' must be a list", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data.Root, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
