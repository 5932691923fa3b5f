using System.Text;

namespace SupportBot.Core.Tests.Classification;

/// <summary>Korean questions typed in decomposed form (NFD, conjoining jamo) reach the same entry as composed ones.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class KoreanInputTests(TrainedModelFixture model)
{
    [Theory]
    [InlineData("안드로이드 키해시 오류 나요")]
    [InlineData("로그아웃이 안 돼요")]
    [InlineData("카카오톡 공유 썸네일 안 바뀜")]
    public void Decomposed_hangul_is_ranked_like_composed_hangul(string question)
    {
        var composed = model.Classifier.Rank(question.Normalize(NormalizationForm.FormC));
        var decomposed = model.Classifier.Rank(question.Normalize(NormalizationForm.FormD));

        Assert.NotEqual(question.Normalize(NormalizationForm.FormC), question.Normalize(NormalizationForm.FormD));
        Assert.Equal(composed.Top.Intent, decomposed.Top.Intent);
        Assert.Equal(composed.Top.Probability, decomposed.Top.Probability, precision: 5);
    }
}
