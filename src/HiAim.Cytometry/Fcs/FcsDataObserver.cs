namespace HiAim.Cytometry.Fcs;

/// <summary>
/// Sees DATA as it is decoded, a chunk of rows at a time, while the chunk's columns are still in cache: gating
/// computes the compensated and transformed dimensions it needs there, instead of streaming every column back
/// from memory once the whole file is decoded.
/// </summary>
internal interface IFcsDataObserver
{
    /// <summary>Called once the dataset's TEXT is read and its columns allocated, before any DATA is decoded.</summary>
    /// <param name="file">The dataset; its event columns are allocated but not yet filled.</param>
    /// <param name="chunkEvents">The most rows any one <see cref="Decoded"/> call will report.</param>
    /// <returns>Whether to be called for each decoded chunk.</returns>
    bool Begin(FcsFile file, int chunkEvents);

    /// <summary>Rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>) of every
    /// column are decoded. Chunks come in order, on the reading thread, each starting on a multiple of
    /// <see cref="FcsDataChunks.ObservedRowMultiple"/>.</summary>
    void Decoded(int firstRow, int count);
}

/// <summary>Chunk sizes for decoding DATA.</summary>
internal static class FcsDataChunks
{
    /// <summary>Observed chunks start on a multiple of this many rows, so a vector kernel run chunk by chunk
    /// splits its work into whole vectors exactly where one run over the whole column does (bit-identical results).</summary>
    public const int ObservedRowMultiple = 64;

    /// <summary>DATA bytes per observed chunk: the chunk's bytes and decoded columns stay in the core's L2.</summary>
    public const int ObservedBytes = 96 << 10;
}
