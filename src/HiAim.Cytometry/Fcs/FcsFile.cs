using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// One dataset of an FCS 2.0, 3.0, 3.1 or 3.2 file: keywords, channels, events and spillover.
/// Read it with <see cref="Read(string, FcsReadOptions?)"/> (a path: streamed, never loaded whole),
/// <see cref="Read(Stream, FcsReadOptions?)"/> or <see cref="Read(ReadOnlyMemory{byte}, FcsReadOptions?)"/>.
/// </summary>
public sealed class FcsFile
{
    internal FcsFile(
        FcsHeader header,
        int datasetIndex,
        long datasetOffset,
        FcsKeywords keywords,
        IReadOnlyList<FcsChannel> channels,
        int eventCount,
        EventMatrix events,
        double[][]? rawValues,
        Spillover? spillover,
        FcsAnalysis? analysis,
        long nextDataOffset,
        long dataStart,
        long dataLength,
        IReadOnlyList<FcsWarning> warnings)
    {
        Header = header;
        DatasetIndex = datasetIndex;
        DatasetOffset = datasetOffset;
        Keywords = keywords;
        Channels = channels;
        EventCount = eventCount;
        Events = events;
        RawValues = rawValues;
        Spillover = spillover;
        FileCompensation = FileSpillover.Of(spillover);
        Analysis = analysis;
        NextDataOffset = nextDataOffset;
        DataStart = dataStart;
        DataLength = dataLength;
        Warnings = warnings;
    }

    /// <summary>The dataset's HEADER.</summary>
    public FcsHeader Header { get; }

    /// <summary>Version tag, e.g. <c>FCS3.1</c>.</summary>
    public string Version => Header.Version;

    /// <summary>Zero-based index of this dataset in the file.</summary>
    public int DatasetIndex { get; }

    /// <summary>Absolute offset of this dataset's HEADER in the file.</summary>
    public long DatasetOffset { get; }

    /// <summary>All TEXT (and supplemental TEXT) keywords, verbatim, in file order.</summary>
    public FcsKeywords Keywords { get; }

    /// <summary>Channel metadata in parameter order.</summary>
    public IReadOnlyList<FcsChannel> Channels { get; }

    /// <summary>Number of events (<c>$TOT</c>).</summary>
    public int EventCount { get; }

    /// <summary>Events as stored (after <c>$PnR</c> masking), one float column per channel named by <c>$PnN</c>.</summary>
    public EventMatrix Events { get; }

    /// <summary>The same raw values in double precision, one array per channel, when <see cref="FcsReadOptions.DoublePrecision"/> was set.</summary>
    public IReadOnlyList<double[]>? RawValues { get; }

    /// <summary>The dataset's spillover matrix from its keywords, as written (detector names as the keyword gives them), or
    /// <see langword="null"/> when it has none or it cannot be parsed. Beckman's raw FCS 3.0 dataset takes dataset 0's
    /// <c>$DFCiTOj</c>. To compensate, use <see cref="SpilloverToApply"/>.</summary>
    public Spillover? Spillover { get; }

    /// <summary>Why the dataset's spillover keywords cannot compensate its channels (malformed, a detector that is not a
    /// channel, a detector that matches several channels, larger than <c>$PAR</c>), or <see langword="null"/>.</summary>
    public string? SpilloverProblem => FileCompensation.Problem;

    /// <summary>The instrument compensated the detector channels with the dataset's spillover before writing them (Beckman
    /// FCS 2.0 listmode with <c>$DFCiTOj</c>): the stored values are already compensated.</summary>
    public bool CompensatedAtAcquisition => FileCompensation.AtAcquisition;

    /// <summary>What the spillover keywords mean for this dataset's channels (settled at read, inverted on first use).</summary>
    internal FileSpillover FileCompensation { get; init; }

    /// <summary>The channels this dataset's spillover keywords cover (the detectors), whether or not the matrix can be
    /// applied; empty when the file has no spillover keyword.</summary>
    public IReadOnlyList<string> SpilloverChannels => FileCompensation.DetectorChannels;

    /// <summary>
    /// The spillover to compensate this dataset's channel values with, its detectors named as the channels (Beckman <c>FLi</c>
    /// mapped to its channel); <see langword="null"/> when the dataset has no spillover keyword. The matrix is inverted here
    /// (once), so a singular one is refused now.
    /// </summary>
    /// <returns>The matrix, or null when there is none.</returns>
    /// <exception cref="CompensationException">The dataset has a spillover that cannot be applied: <see cref="SpilloverProblem"/>,
    /// <see cref="CompensatedAtAcquisition"/>, or a singular matrix. The message says which.</exception>
    public Spillover? SpilloverToApply() => FileCompensation.Require();

    /// <summary>The ANALYSIS segment, when the file has one.</summary>
    public FcsAnalysis? Analysis { get; }

    /// <summary><c>$NEXTDATA</c> as written: offset of the next dataset relative to this one; 0 when last (a negative value is kept as written, and following it is refused).</summary>
    public long NextDataOffset { get; }

    /// <summary>Absolute offset of the <c>$NEXTDATA</c> keyword (or of the TEXT when absent), for error messages.</summary>
    internal long NextDataKeywordOffset { get; init; }

    /// <summary>Absolute offset of the last byte of the segments read as keywords (TEXT, supplemental TEXT, keyword ANALYSIS).</summary>
    internal long KeywordSegmentsEnd { get; init; }

    /// <summary>Absolute offset of the first DATA byte used.</summary>
    public long DataStart { get; }

    /// <summary>Length in bytes of the DATA segment used.</summary>
    public long DataLength { get; }

    /// <summary>Irregularities tolerated while reading (duplicate keywords, padded keywords, ...).</summary>
    public IReadOnlyList<FcsWarning> Warnings { get; }

    /// <summary>Reads one dataset from a file on disk, streaming DATA straight into the event matrix.</summary>
    /// <param name="path">File path.</param>
    /// <param name="options">Options; <see langword="null"/> = <see cref="FcsReadOptions.Default"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FcsFormatException">The file is malformed (the message names segment, byte offset and fault).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FcsReadOptions.Dataset"/> is negative or past the file's last dataset (a request the file cannot meet, not a defect in it).</exception>
    public static FcsFile Read(string path, FcsReadOptions? options = null)
    {
        using var source = new FileSource(path);
        return FcsReader.ReadDataset(source, options ?? FcsReadOptions.Default);
    }

    /// <summary>As <see cref="Read(string, FcsReadOptions?)"/>, the event columns taken from <paramref name="pool"/>
    /// (valid until the pool is reset); <paramref name="observer"/>, when given, sees DATA chunk by chunk as it is decoded.</summary>
    internal static FcsFile Read(string path, FcsReadOptions? options, ColumnPool pool, IFcsDataObserver? observer = null)
    {
        using var source = new FileSource(path);
        return FcsReader.ReadDataset(source, options ?? FcsReadOptions.Default, pool, observer);
    }

    /// <summary>Reads one dataset from a stream (seekable streams are read in place, others buffered once).</summary>
    /// <param name="stream">The stream, positioned at the file's first byte.</param>
    /// <param name="options">Options; <see langword="null"/> = <see cref="FcsReadOptions.Default"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FcsFormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FcsReadOptions.Dataset"/> is negative or past the file's last dataset.</exception>
    public static FcsFile Read(Stream stream, FcsReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = FcsSource.FromStream(stream);
        return FcsReader.ReadDataset(source, options ?? FcsReadOptions.Default);
    }

    /// <summary>Reads one dataset from bytes in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Options; <see langword="null"/> = <see cref="FcsReadOptions.Default"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FcsFormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FcsReadOptions.Dataset"/> is negative or past the file's last dataset.</exception>
    public static FcsFile Read(ReadOnlyMemory<byte> bytes, FcsReadOptions? options = null)
    {
        using var source = new MemorySource(bytes);
        return FcsReader.ReadDataset(source, options ?? FcsReadOptions.Default);
    }

    /// <summary>Lists the datasets of a file (following <c>$NEXTDATA</c>) without decoding events.</summary>
    /// <param name="path">File path.</param>
    /// <param name="options">Options (lenience applies to each dataset's offsets).</param>
    /// <returns>One entry per dataset.</returns>
    public static IReadOnlyList<FcsDatasetInfo> ListDatasets(string path, FcsReadOptions? options = null)
    {
        using var source = new FileSource(path);
        return FcsReader.ListDatasets(source, options ?? FcsReadOptions.Default);
    }

    /// <summary>Lists the datasets of an in-memory file without decoding events.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Options.</param>
    /// <returns>One entry per dataset.</returns>
    public static IReadOnlyList<FcsDatasetInfo> ListDatasets(ReadOnlyMemory<byte> bytes, FcsReadOptions? options = null)
    {
        using var source = new MemorySource(bytes);
        return FcsReader.ListDatasets(source, options ?? FcsReadOptions.Default);
    }

    /// <summary>
    /// Channel values: raw values scaled as the keywords say. Log-amplified integer channels
    /// (<c>$PnE</c> f1 &gt; 0) become f2·10^(f1·raw/<c>$PnR</c>); linear channels are divided by <c>$PnG</c>;
    /// the time channel is multiplied by <c>$TIMESTEP</c>. Float data is left as stored (its <c>$PnE</c>
    /// must be 0,0; a file that declares otherwise got a warning).
    /// </summary>
    /// <returns>A new matrix.</returns>
    public EventMatrix ToChannelValues() => ChannelValues(shareUnscaled: false);

    /// <summary>Channel values; with <paramref name="shareUnscaled"/> the columns that need no scaling are the
    /// raw columns themselves (no copy), for callers that only read them (gating); scaled columns (e.g. Time
    /// with $TIMESTEP) come from <paramref name="pool"/> when given, instead of a fresh large-object array per file.</summary>
    internal EventMatrix ChannelValues(bool shareUnscaled, ColumnPool? pool = null)
    {
        var timestep = Keywords.TryGetDouble("$TIMESTEP", out var ts) && ts > 0 ? ts : 1.0;
        var columns = new float[Channels.Count][];
        for (var c = 0; c < Channels.Count; c++)
        {
            var ch = Channels[c];
            var source = Events.ColumnArray(c);
            var (log, time, gain) = Scaling(ch, timestep);
            if (!log && !time && !gain)
            {
                columns[c] = shareUnscaled ? source : (float[])source.Clone();
                continue;
            }

            var col = columns[c] = pool?.Rent(source.Length) ?? GC.AllocateUninitializedArray<float>(source.Length);
            if (log)
            {
                var f1 = ch.LogDecades;
                var f2 = ch.LogOffset;
                var range = ch.Range > 0 ? ch.Range : Math.Pow(2, ch.Bits);
                for (var i = 0; i < col.Length; i++)
                {
                    col[i] = (float)(f2 * Math.Pow(10, f1 * source[i] / range));
                }
            }
            else if (time)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(source, (float)timestep, col);
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(source, (float)ch.Gain, col);
            }
        }

        return new EventMatrix([.. Events.ChannelNames], columns);
    }

    /// <summary>Whether channel <paramref name="c"/>'s values are its raw values as decoded (no log, $TIMESTEP or
    /// $PnG scaling): then <see cref="ChannelValues"/> with shareUnscaled hands out the decoded column itself.</summary>
    internal bool IsUnscaled(int c) => Scaling(Channels[c], Keywords.TryGetDouble("$TIMESTEP", out var ts) && ts > 0 ? ts : 1.0) == (false, false, false);

    private static (bool Log, bool Time, bool Gain) Scaling(FcsChannel ch, double timestep)
    {
        var log = ch.DataType == FcsDataType.Integer && ch.LogDecades > 0;
        var time = !log && ch.IsTime && timestep != 1.0;
        var gain = !log && !time && ch.Gain != 1.0 && ch.Gain > 0 && ch.LogDecades == 0;
        return (log, time, gain);
    }
}

/// <summary>A dataset found in a file, as listed by <see cref="FcsFile.ListDatasets(string, FcsReadOptions?)"/>.</summary>
/// <param name="Index">Zero-based dataset index.</param>
/// <param name="Offset">Absolute offset of its HEADER.</param>
/// <param name="Version">Version tag.</param>
/// <param name="ParameterCount"><c>$PAR</c>.</param>
/// <param name="EventCount"><c>$TOT</c>.</param>
/// <param name="DataType"><c>$DATATYPE</c> as written.</param>
public sealed record FcsDatasetInfo(int Index, long Offset, string Version, int ParameterCount, int EventCount, string DataType);

/// <summary>The ANALYSIS segment: raw bytes, and its keywords when it is keyword-formatted.</summary>
/// <param name="Offset">Absolute offset of the segment.</param>
/// <param name="Bytes">The segment's bytes.</param>
/// <param name="Keywords">Keywords parsed from it, or <see langword="null"/> when it is not keyword-formatted.</param>
public sealed record FcsAnalysis(long Offset, ReadOnlyMemory<byte> Bytes, FcsKeywords? Keywords);
