using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Cli;

/// <summary>The <c>--transform SPEC</c> argument: a <see cref="Transform"/> parsed up front so a bad SPEC fails before any file is read.</summary>
internal sealed class TransformSpec
{
    private readonly Transform _transform;

    private TransformSpec(Transform transform) => _transform = transform;

    public static TransformSpec Parse(string spec)
    {
        try
        {
            return new TransformSpec(Transform.Parse(spec));
        }
        catch (FormatException e)
        {
            throw new CliException($"--transform '{spec}': {e.Message}");
        }
    }

    public void Apply(Span<float> values) => _transform.Apply(values, values);
}
