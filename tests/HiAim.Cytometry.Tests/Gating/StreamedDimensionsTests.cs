using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Tests.Cohort;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>
/// Dimensions computed while DATA is decoded (chunk by chunk, <see cref="StreamedDimensions"/>) are bit for bit
/// the ones gating computes over whole columns, and an observed read decodes the same events as a plain one.
/// </summary>
public sealed class StreamedDimensionsTests
{
    /// <summary>Records each decoded chunk and checks, at the moment it is reported, that its rows are decoded.</summary>
    private sealed class RecordingObserver(FcsFile reference) : IFcsDataObserver
    {
        private FcsFile? _file;

        public List<(int First, int Count)> Chunks { get; } = [];

        public List<string> Problems { get; } = [];

        public int ChunkEvents { get; private set; }

        public bool Begin(FcsFile file, int chunkEvents)
        {
            _file = file;
            ChunkEvents = chunkEvents;
            return true;
        }

        public void Decoded(int firstRow, int count)
        {
            Chunks.Add((firstRow, count));
            if (count > ChunkEvents)
            {
                Problems.Add($"chunk at row {firstRow} has {count} rows; Begin promised at most {ChunkEvents}");
            }

            if (firstRow % FcsDataChunks.ObservedRowMultiple != 0)
            {
                Problems.Add($"chunk at row {firstRow} is not on a multiple of {FcsDataChunks.ObservedRowMultiple}");
            }

            for (var c = 0; c < reference.Channels.Count; c++)
            {
                var got = _file!.Events.Column(c).Slice(firstRow, count);
                var want = reference.Events.Column(c).Slice(firstRow, count);
                for (var i = 0; i < count; i++)
                {
                    if (BitConverter.SingleToUInt32Bits(got[i]) != BitConverter.SingleToUInt32Bits(want[i]))
                    {
                        Problems.Add($"channel {c} row {firstRow + i} not decoded when its chunk was reported");
                        return;
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FcsCorpusTests.ExpectedFiles), MemberType = typeof(FcsCorpusTests))]
    public void Observed_reads_decode_the_same_events_and_report_every_row_once(string path)
    {
        if (path.StartsWith('('))
        {
            SharedData.RequirePath();
        }

        var file = SharedData.Fcs(path);
        var expected = FcsCorpusTests.Expected(path);
        var options = expected.TryGetProperty("flowio_options", out var fo) ? FcsCorpusTests.FlowIoOptions(fo) with { DoublePrecision = false } : FcsReadOptions.Default;
        FcsFile reference;
        try
        {
            reference = FcsFile.Read(file, options);
        }
        catch (FcsFormatException)
        {
            return; // refused either way; the corpus tests check the refusal
        }

        var observer = new RecordingObserver(reference);
        var pool = new ColumnPool();
        var observed = FcsFile.Read(file, options, pool, observer);
        Assert.Empty(observer.Problems);
        Assert.Equal(reference.EventCount, observed.EventCount);
        for (var c = 0; c < reference.Channels.Count; c++)
        {
            Assert.True(reference.Events.Column(c).SequenceEqual(observed.Events.Column(c)), $"channel {c}");
        }

        // Delimited ASCII is decoded whole and not observed; everything else reports each row exactly once, in order.
        var chunks = observer.Chunks;
        if (chunks.Count > 0 || reference.EventCount == 0)
        {
            var next = 0;
            foreach (var (first, count) in chunks)
            {
                Assert.Equal(next, first);
                Assert.True(count > 0);
                next += count;
            }

            Assert.Equal(reference.EventCount, next);
        }
        else
        {
            Assert.Equal("A", reference.Keywords["$DATATYPE"].Trim().ToUpperInvariant());
        }
    }

    [Fact]
    public void Streamed_tbnk_gating_is_bit_for_bit_gating_afresh()
    {
        foreach (var path in CohortFixture.Files(CohortFixture.Small).Take(3))
        {
            var strategy = TbnkPanel.Default.Analyze(FcsFile.Read(path)).Strategy;
            AssertStreamedEqualsFresh(strategy, path, expectCompensation: false); // compensated values are all transformed: chunk scratch only

            // A gate on compensated values without a transform: the compensated detectors are kept as whole columns.
            var pe = new RectangleGate("PE bright (compensated, linear)", null, new GateRange(new Dimension("PE-A", CompensationRef.File), 1000, null));
            AssertStreamedEqualsFresh(With(strategy, pe), path, expectCompensation: true);

            // A scatter channel marked "FCS" is not a detector: it needs no whole compensated columns.
            var fsc = new RectangleGate("Large (FCS, linear)", null, new GateRange(new Dimension("FSC-A", CompensationRef.File), 50_000, null));
            AssertStreamedEqualsFresh(With(strategy, fsc), path, expectCompensation: false);
        }
    }

    [Fact]
    public void Streamed_compliance_strategy_is_bit_for_bit_gating_afresh()
    {
        var root = GatingMLComplianceTests.Root();
        var strategy = GatingML.Load(Path.Combine(root, "gml", "gml_all_gates.xml"));
        var data1 = Path.Combine(root, "data1.fcs");

        // data1.fcs scales its channels ($PnE log decades, $PnG): nothing is streamed, gating does it all as before.
        var pool = new ColumnPool();
        using (var streamed = new StreamedDimensions(strategy, pool))
        {
            FcsFile.Read(data1, null, pool, streamed);
            Assert.Equal(0, streamed.Store!.DimensionCount);
            Assert.Null(streamed.Store.FileCompensated);
        }

        // Its channel values as unscaled float32: every transform of the suite (logicle, hyperlog, asinh, linear,
        // log) on uncompensated and "FCS" dimensions is streamed; MySpill and ratio dimensions stay with gating.
        var unscaled = Path.Combine(Path.GetTempPath(), $"hiaim-streamed-{Guid.NewGuid():N}.fcs");
        try
        {
            FcsWriter.Write(unscaled, FcsFile.Read(data1).ToChannelValues());
            AssertStreamedEqualsFresh(strategy, unscaled, expectCompensation: false);
        }
        finally
        {
            File.Delete(unscaled);
        }
    }

    private static GatingStrategy With(GatingStrategy strategy, Gate extra)
    {
        var copy = new GatingStrategy();
        foreach (var gate in strategy.Gates)
        {
            copy.Add(gate);
        }

        return copy.Add(extra);
    }

    private static void AssertStreamedEqualsFresh(GatingStrategy strategy, string path, bool expectCompensation)
    {
        var fresh = FcsFile.Read(path);
        var want = strategy.Apply(fresh);

        var pool = new ColumnPool();
        using var streamed = new StreamedDimensions(strategy, pool);
        var fcs = FcsFile.Read(path, null, pool, streamed);
        var store = streamed.Store;
        Assert.NotNull(store);
        Assert.Same(fcs, store.Sample);
        // What the decode computed, before gating adds anything.
        var streamedColumns = store.DimensionKeys.ToDictionary(k => k, k => store.Column(strategy.Gates.SelectMany(g => g.Dimensions).First(d => d.Key == k), null));
        var fileCompensated = store.FileCompensated;
        Assert.NotEmpty(streamedColumns);
        Assert.Equal(expectCompensation, fileCompensated is not null);
        var got = strategy.Apply(new GateContext(store));
        foreach (var id in strategy.PopulationIds)
        {
            Assert.True(want[id].Members.ToFlags().SequenceEqual(got[id].Members.ToFlags()), $"{Path.GetFileName(path)}: population {id}");
        }

        // Each streamed column against the same dimension computed over whole columns.
        var context = new ColumnStore(fresh.ChannelValues(shareUnscaled: true), FileSpillover.Of(fresh.Spillover));
        var columns = strategy.Gates.SelectMany(g => g.Dimensions).Where(d => streamedColumns.ContainsKey(d.Key)).DistinctBy(d => d.Key)
            .Select(d => (Dimension: d, Chunked: streamedColumns[d.Key])).ToList();
        if (fileCompensated is { } compensated)
        {
            columns.AddRange(fresh.Spillover!.Detectors.Select((name, i) => (new Dimension(name, CompensationRef.File), compensated[i])));
        }

        foreach (var (dimension, chunked) in columns)
        {
            var whole = context.Column(dimension, null);
            for (var i = 0; i < whole.Length; i++)
            {
                Assert.True(BitConverter.SingleToUInt32Bits(whole[i]) == BitConverter.SingleToUInt32Bits(chunked[i]) || (float.IsNaN(whole[i]) && float.IsNaN(chunked[i])), $"{dimension}: event {i}: {whole[i]:R} vs {chunked[i]:R}");
            }
        }
    }
}
