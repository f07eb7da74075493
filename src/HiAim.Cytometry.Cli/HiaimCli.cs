using System.Globalization;
using System.Reflection;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Cli;

/// <summary>Command dispatch and argument parsing for <c>hiaim</c>; callable in-process by tests.</summary>
internal static class HiaimCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for usage errors, unreadable files and malformed FCS files.</summary>
    public const int Error = 2;

    public const string Usage = """
        Usage:
          hiaim info FILE [--json] [--dataset N] [lenience options]
          hiaim --help | --version

        Commands:
          info    Show version, datasets, $PAR, $TOT, channels, spillover and warnings of an FCS file.

        Options for info:
          --json                   Print one JSON document (keywords, first/last events, channel sums, ...).
          --dataset N              Zero-based dataset of a multi-dataset ($NEXTDATA) file (default 0).
          --lenient                Turn on every lenience option below (TEXT offsets preferred unless
                                   --prefer-header-offsets is given).
          --prefer-text-offsets    HEADER and $BEGINDATA/$ENDDATA disagree: use the TEXT keywords.
          --prefer-header-offsets  HEADER and $BEGINDATA/$ENDDATA disagree: use the HEADER offsets.
          --tolerate-off-by-one    Accept a DATA segment one byte longer than $TOT events.
          --tolerate-extra-bytes   Accept a DATA segment longer than $TOT events by any amount.
          --tolerate-missing-begindata
                                   Accept an FCS 3.x dataset without $BEGINDATA/$ENDDATA (use HEADER offsets).

        Exit codes: 0 success, 2 usage error, unreadable or malformed file.
        """;

    /// <summary>Runs the tool.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where usage text and errors go.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(Usage);
            return Ok;
        }

        if (args[0] is "--version" or "-V")
        {
            stdout.WriteLine(InformationalVersion());
            return Ok;
        }

        return args[0] switch
        {
            "info" => Info(args.AsSpan(1), stdout, stderr),
            _ => UsageError(stderr, $"unknown command '{args[0]}'"),
        };
    }

    /// <summary>The tool's informational version (e.g. <c>0.1.0+commit</c>).</summary>
    public static string InformationalVersion()
    {
        var assembly = typeof(HiaimCli).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }

    private static int Info(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? file = null;
        var json = false;
        var dataset = 0;
        bool lenient = false, preferText = false, preferHeader = false, offByOne = false, extraBytes = false, missingBegin = false;
        var optionsDone = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (optionsDone || !arg.StartsWith('-') || arg == "-")
            {
                if (file is not null)
                {
                    return UsageError(stderr, $"info takes one FILE; got '{file}' and '{arg}'");
                }

                file = arg;
                continue;
            }

            string? inlineValue = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (arg != "--dataset" && inlineValue is not null)
            {
                return UsageError(stderr, $"option '{arg}' takes no value");
            }

            switch (arg)
            {
                case "--":
                    optionsDone = true;
                    break;
                case "--help" or "-h":
                    stdout.WriteLine(Usage);
                    return Ok;
                case "--json":
                    json = true;
                    break;
                case "--dataset":
                    var value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                    if (value is null || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out dataset))
                    {
                        return UsageError(stderr, "--dataset needs a non-negative integer");
                    }

                    break;
                case "--lenient":
                    lenient = true;
                    break;
                case "--prefer-text-offsets":
                    preferText = true;
                    break;
                case "--prefer-header-offsets":
                    preferHeader = true;
                    break;
                case "--tolerate-off-by-one":
                    offByOne = true;
                    break;
                case "--tolerate-extra-bytes":
                    extraBytes = true;
                    break;
                case "--tolerate-missing-begindata":
                    missingBegin = true;
                    break;
                default:
                    return UsageError(stderr, $"unknown option '{arg}' for info");
            }
        }

        if (file is null)
        {
            return UsageError(stderr, "info needs a FILE");
        }

        if (preferText && preferHeader)
        {
            return UsageError(stderr, "--prefer-header-offsets and --prefer-text-offsets exclude each other");
        }

        // --lenient is FcsReadOptions.Lenient; an explicit --prefer-header-offsets replaces its TEXT-offset preference.
        var options = (lenient ? FcsReadOptions.Lenient : FcsReadOptions.Default) with { Dataset = dataset };
        options = options with
        {
            PreferTextDataOffsets = (options.PreferTextDataOffsets && !preferHeader) || preferText,
            PreferHeaderDataOffsets = preferHeader,
            TolerateEndDataOffByOne = options.TolerateEndDataOffByOne || offByOne,
            TolerateExtraDataBytes = options.TolerateExtraDataBytes || extraBytes,
            TolerateMissingBeginData = options.TolerateMissingBeginData || missingBegin,
        };

        try
        {
            return InfoCommand.Run(file, options, json, stdout, stderr);
        }
        catch (FcsFormatException e)
        {
            var flag = e.LenienceOption is null ? null : FlagFor(e.LenienceOption);
            var hint = flag is null ? string.Empty : $" With hiaim: {flag} (or --lenient).";
            stderr.WriteLine($"hiaim: {file}: {OneLine(e.Message)}{hint}");
            return Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"hiaim: {file}: {OneLine(e.Message)}");
            return Error;
        }
    }

    /// <summary>The command-line flag for an <see cref="FcsReadOptions"/> lenience property.</summary>
    internal static string? FlagFor(string lenienceOption) => lenienceOption switch
    {
        nameof(FcsReadOptions.PreferTextDataOffsets) => "--prefer-text-offsets",
        nameof(FcsReadOptions.PreferHeaderDataOffsets) => "--prefer-header-offsets",
        nameof(FcsReadOptions.TolerateEndDataOffByOne) => "--tolerate-off-by-one",
        nameof(FcsReadOptions.TolerateExtraDataBytes) => "--tolerate-extra-bytes",
        nameof(FcsReadOptions.TolerateMissingBeginData) => "--tolerate-missing-begindata",
        _ => null,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"hiaim: {problem}");
        stderr.WriteLine(Usage);
        return Error;
    }
}
