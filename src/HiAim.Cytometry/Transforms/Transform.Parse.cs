using System.Globalization;

namespace HiAim.Cytometry.Transforms;

public abstract partial class Transform
{
    private static readonly string[] Kinds =
        ["linear", "log", "asinh", "arcsinh", "logicle", "hyperlog", "biex", "flowjo-log"];

    /// <summary>
    /// Parses a command-line transform spec: <c>kind:key=value,key=value</c>, numbers in invariant
    /// culture, keys case-insensitive. Kinds and keys:
    /// <c>linear:T=..,A=..</c>, <c>log:T=..,M=..</c>, <c>asinh:T=..,M=..,A=..</c>,
    /// <c>arcsinh:cofactor=..</c>, <c>logicle:T=..,W=..,M=..,A=..</c>,
    /// <c>hyperlog:T=..,W=..,M=..,A=..</c>, <c>biex:negative=..,width=..,positive=..,max=..</c>,
    /// <c>flowjo-log:offset=..,decades=..</c>. A may be left out (0); biex keys may be left out
    /// (FlowJo defaults). <see cref="object.ToString"/> of every transform here returns a spec this
    /// method reads back.
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The transform.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is null.</exception>
    /// <exception cref="FormatException">The spec is malformed or a parameter breaks its rule; the message names the part.</exception>
    public static Transform Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException($"Transform spec '{spec}' has no ':'; expected kind:key=value,… with kind one of {string.Join(", ", Kinds)}.");
        }

        var kind = spec[..colon].Trim().ToLowerInvariant();
        if (Array.IndexOf(Kinds, kind) < 0)
        {
            throw new FormatException($"Transform spec '{spec}': unknown kind '{spec[..colon].Trim()}'; expected one of {string.Join(", ", Kinds)}.");
        }

        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var body = spec[(colon + 1)..];
        foreach (var rawPart in body.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                throw new FormatException($"Transform spec '{spec}': empty parameter (check for a stray or trailing comma).");
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Transform spec '{spec}': parameter '{part}' is not key=value.");
            }

            var key = part[..eq].Trim();
            var text = part[(eq + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"Transform spec '{spec}': value '{text}' of {key} is not a number (invariant culture, e.g. 262144 or 4.5).");
            }

            if (!values.TryAdd(key, number))
            {
                throw new FormatException($"Transform spec '{spec}': parameter {key} appears twice.");
            }
        }

        try
        {
            return kind switch
            {
                "linear" => Build(spec, values, ["T", "A"], ["A"], v => new LinearTransform(v["T"], v["A"])),
                "log" => Build(spec, values, ["T", "M"], [], v => new LogTransform(v["T"], v["M"])),
                "asinh" => Build(spec, values, ["T", "M", "A"], ["A"], v => new Arcsinh(v["T"], v["M"], v["A"])),
                "arcsinh" => Build(spec, values, ["cofactor"], [], v => Arcsinh.WithCofactor(v["cofactor"])),
                "logicle" => Build(spec, values, ["T", "W", "M", "A"], ["A"], v => new Logicle(v["T"], v["W"], v["M"], v["A"])),
                "hyperlog" => Build(spec, values, ["T", "W", "M", "A"], ["A"], v => new Hyperlog(v["T"], v["W"], v["M"], v["A"])),
                "biex" => Build(spec, values, ["negative", "width", "positive", "max"], ["negative", "width", "positive", "max"], v => new FlowJoBiexponential(
                    v.GetValueOrDefault("negative", 0), v.GetValueOrDefault("width", -10), v.GetValueOrDefault("positive", 4.41854), v.GetValueOrDefault("max", 262144.000029))),
                _ => Build(spec, values, ["offset", "decades"], [], v => new FlowJoLog(v["offset"], v["decades"])),
            };
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Transform spec '{spec}': {e.Message}", e);
        }
    }

    private static Transform Build(string spec, Dictionary<string, double> values, string[] keys, string[] optional, Func<Dictionary<string, double>, Transform> create)
    {
        foreach (var key in values.Keys)
        {
            if (!keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"Transform spec '{spec}': unknown parameter '{key}'; expected {string.Join(", ", keys)}.");
            }
        }

        var normalized = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            if (values.TryGetValue(key, out var v))
            {
                normalized[key] = v;
            }
            else if (optional.Contains(key, StringComparer.Ordinal) && key == "A")
            {
                normalized[key] = 0;
            }
            else if (!optional.Contains(key, StringComparer.Ordinal))
            {
                throw new FormatException($"Transform spec '{spec}': missing parameter {key}; expected {string.Join(", ", keys)}.");
            }
        }

        return create(normalized);
    }
}
