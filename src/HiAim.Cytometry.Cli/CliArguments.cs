using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Cli;

/// <summary>Parsed arguments of one command (parsed by System.CommandLine): positional values, flags and options with values.</summary>
internal sealed class CliArguments
{
    /// <summary>Flags shared by every command that reads FCS files.</summary>
    public static readonly string[] LenienceFlags =
    [
        "--lenient", "--prefer-text-offsets", "--prefer-header-offsets", "--tolerate-off-by-one", "--tolerate-extra-bytes", "--tolerate-missing-begindata",
        "--tolerate-truncated", "--allow-unknown-version", "--strict",
    ];

    /// <summary>Options with values shared by every command that reads FCS files.</summary>
    public static readonly string[] ReadValueOptions = ["--dataset", "--spillover-detector"];

    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The option's value (the last one when it is given several times), or null.</summary>
    public string? Value(string option) => _values.TryGetValue(option, out var list) ? list[^1] : null;

    /// <summary>Every value given for a repeatable option, in order.</summary>
    public IReadOnlyList<string> Values(string option) => _values.TryGetValue(option, out var list) ? list : [];

    /// <summary>
    /// A System.CommandLine command taking <c>FILE...</c> (any number: each command checks how many it wants),
    /// <paramref name="flags"/> (no value) and <paramref name="valueOptions"/> (one value per occurrence, repeatable:
    /// the last one counts unless the command reads them all). Values stay strings: each command checks its own.
    /// </summary>
    public static Command Command(string name, IEnumerable<string> flags, IEnumerable<string> valueOptions)
    {
        var command = new Command(name) { new Argument<string[]>("FILE") { Arity = ArgumentArity.ZeroOrMore } };
        foreach (var flag in flags)
        {
            command.Options.Add(new Option<bool>(flag) { Arity = ArgumentArity.Zero });
        }

        foreach (var option in valueOptions)
        {
            command.Options.Add(new Option<string[]>(option) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false, HelpName = "VALUE" });
        }

        return command;
    }

    /// <summary>The arguments of the command that <paramref name="result"/> parsed.</summary>
    public static CliArguments From(ParseResult result)
    {
        var parsed = new CliArguments();
        foreach (var child in result.CommandResult.Children)
        {
            switch (child)
            {
                case ArgumentResult argument:
                    parsed.Positional.AddRange(argument.Tokens.Select(t => t.Value));
                    break;
                case OptionResult { Implicit: true }:
                    break;
                case OptionResult { Option: Option<bool> flag }:
                    parsed._flags.Add(flag.Name);
                    break;
                case OptionResult option:
                    if (!parsed._values.TryGetValue(option.Option.Name, out var list))
                    {
                        parsed._values[option.Option.Name] = list = [];
                    }

                    list.AddRange(option.Tokens.Select(t => t.Value));
                    break;
            }
        }

        return parsed;
    }

    /// <summary>Parses one command's <paramref name="args"/> on their own (e.g. the count that <c>hiaim demo</c> runs); null and an error on a usage error.</summary>
    public static CliArguments? Parse(string[] args, string command, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> valueOptions, out string? error)
    {
        var result = Command(command, flags, valueOptions).Parse(args, HiaimCli.ParserConfiguration);
        error = result.Errors.Count == 0 ? null : result.Errors[0].Message;
        return error is null ? From(result) : null;
    }

    /// <summary>The <c>--dataset N</c> value (0 when absent); null and an error when it is not a non-negative integer.</summary>
    public int? Dataset(out string? error)
    {
        error = null;
        var text = Value("--dataset");
        if (text is null)
        {
            return 0;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        error = "--dataset needs a non-negative integer";
        return null;
    }

    /// <summary>Read options from the lenience flags; null and an error when they contradict each other.</summary>
    public FcsReadOptions? ReadOptions(int dataset, out string? error)
    {
        error = null;
        var preferText = Has("--prefer-text-offsets");
        var preferHeader = Has("--prefer-header-offsets");
        if (preferText && preferHeader)
        {
            error = "--prefer-header-offsets and --prefer-text-offsets exclude each other";
            return null;
        }

        if (Has("--strict") && Has("--lenient"))
        {
            error = "--strict and --lenient exclude each other";
            return null;
        }

        Dictionary<string, string>? detectors = null;
        foreach (var pair in Values("--spillover-detector"))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                error = $"--spillover-detector needs DETECTOR=CHANNEL, e.g. FL1=\"FL1 Log\" (got '{pair}')";
                return null;
            }

            detectors ??= new Dictionary<string, string>(StringComparer.Ordinal);
            detectors[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        // --lenient is FcsReadOptions.Lenient; an explicit --prefer-header-offsets replaces its TEXT-offset preference.
        // --strict only stops the silent repairs: a lenience flag named with it is still a deliberate choice.
        var options = (Has("--lenient") ? FcsReadOptions.Lenient : Has("--strict") ? FcsReadOptions.Strict : FcsReadOptions.Default) with { Dataset = dataset };
        return options with
        {
            PreferTextDataOffsets = (options.PreferTextDataOffsets && !preferHeader) || preferText,
            PreferHeaderDataOffsets = preferHeader,
            TolerateEndDataOffByOne = options.TolerateEndDataOffByOne || Has("--tolerate-off-by-one"),
            TolerateExtraDataBytes = options.TolerateExtraDataBytes || Has("--tolerate-extra-bytes"),
            TolerateMissingBeginData = options.TolerateMissingBeginData || Has("--tolerate-missing-begindata"),
            TolerateTruncatedData = options.TolerateTruncatedData || Has("--tolerate-truncated"),
            AllowUnknownVersion = options.AllowUnknownVersion || Has("--allow-unknown-version"),
            SpilloverDetectors = detectors,
        };
    }
}
