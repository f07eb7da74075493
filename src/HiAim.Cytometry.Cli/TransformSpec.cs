namespace HiAim.Cytometry.Cli;

/// <summary>The <c>--transform SPEC</c> argument, parsed into something that transforms a channel span.</summary>
internal sealed class TransformSpec
{
    private TransformSpec() { }

    public static TransformSpec Parse(string spec) =>
        throw new CliException($"--transform '{spec}': transforms are not in this build yet");

    public void Apply(Span<float> values) => throw new NotSupportedException();
}
