using System.Numerics;

namespace HiAim.Cytometry.Simulation;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna, 2018) seeded through SplitMix64: a small, fully specified
/// generator, so simulated data of record do not depend on <see cref="Random"/>'s unspecified
/// algorithm. Not thread-safe; give every file its own stream (<see cref="Derive"/>).
/// </summary>
internal sealed class SimulationRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Seeds the four state words from SplitMix64 over <paramref name="seed"/>.</summary>
    public SimulationRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // the all-zero state is the one fixed point of xoshiro
        }
    }

    /// <summary>Starts from an explicit state (reference-vector tests).</summary>
    internal SimulationRandom(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>An independent stream for (seed, a, b, c): SplitMix64-mixed so nearby keys give unrelated streams.</summary>
    public static SimulationRandom Derive(ulong seed, ulong a, ulong b = 0, ulong c = 0)
    {
        var h = Mix(seed ^ 0x5DEECE66DUL);
        h = Mix(h ^ Mix(a + 0x9E3779B97F4A7C15UL));
        h = Mix(h ^ Mix(b + 0xBF58476D1CE4E5B9UL));
        h = Mix(h ^ Mix(c + 0x94D049BB133111EBUL));
        return new SimulationRandom(h);
    }

    /// <summary>Next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1): never 0, safe for logarithms.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="n"/>) (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    /// <summary>Standard normal deviate by Marsaglia's polar method (only sqrt and log, no trigonometry).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Log-normal deviate with the given median and coefficient of variation (CV of the log-normal itself).</summary>
    public double NextLogNormal(double median, double cv) => median * Math.Exp(SigmaForCv(cv) * NextNormal());

    /// <summary>Exponential deviate with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(NextOpenDouble());

    /// <summary>σ of ln X for a log-normal X with coefficient of variation <paramref name="cv"/>: √ln(1+CV²).</summary>
    public static double SigmaForCv(double cv) => Math.Sqrt(Math.Log(1 + (cv * cv)));

    internal static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
