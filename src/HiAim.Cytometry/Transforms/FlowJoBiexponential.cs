using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// FlowJo 10's bi-exponential ("biex") display transform, as FlowKit's <c>WSPBiexTransform</c>
/// defines it: a 4097-entry lookup table from display channel (0…4096) to data value, built from the
/// FlowJo width basis, extra negative decades, positive decades and maximum value, read by linear
/// interpolation. Output is on FlowJo's 0…4096 channel scale (not 0…1). Data below the table's
/// first entry map to channel 0 and above its last entry to 4096; the inverse clamps the same way.
/// NaN maps to NaN. Spec string <c>biex:negative=0,width=-10,positive=4.41854,max=262144.000029</c>.
/// </summary>
public sealed class FlowJoBiexponential : Transform
{
    /// <summary>Number of display channels: output runs from 0 to this value.</summary>
    public const int ChannelRange = 4096;

    private readonly double[] _data; // _data[i] = data value shown at channel i, increasing

    /// <summary>Creates a FlowJo biex transform (FlowJo's defaults when called without arguments).</summary>
    /// <param name="negative">Extra negative decades; ≥ 0 (FlowJo default 0).</param>
    /// <param name="width">Width basis; ≤ −1, more negative widens the linear region (FlowJo default −10).</param>
    /// <param name="positive">Positive decades; &gt; 0 (FlowJo default 4.41854).</param>
    /// <param name="maxValue">Data value at the top channel; &gt; 0 (FlowJo default 262144.000029).</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public FlowJoBiexponential(double negative = 0, double width = -10, double positive = 4.41854, double maxValue = 262144.000029)
    {
        RequireFinite(negative, nameof(negative), "biex");
        RequireFinite(width, nameof(width), "biex");
        RequireFinite(positive, nameof(positive), "biex");
        RequireFinite(maxValue, nameof(maxValue), "biex");
        if (negative < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(negative), negative, $"biex: negative (extra negative decades) must be ≥ 0; got negative = {Format(negative)}.");
        }

        if (width > -1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"biex: width (width basis) must be ≤ -1; got width = {Format(width)}.");
        }

        if (positive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(positive), positive, $"biex: positive (decades) must be > 0; got positive = {Format(positive)}.");
        }

        if (maxValue <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"biex: max (top data value) must be > 0; got max = {Format(maxValue)}.");
        }

        if (Math.Log10(-width) / 2 >= positive)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"biex: log10(-width)/2 must be below positive; got width = {Format(width)}, positive = {Format(positive)}.");
        }

        Negative = negative;
        Width = width;
        Positive = positive;
        MaxValue = maxValue;
        _data = BuildTable(negative, width, positive, maxValue);
    }

    /// <summary>Extra negative decades.</summary>
    public double Negative { get; }

    /// <summary>Width basis (negative).</summary>
    public double Width { get; }

    /// <summary>Positive decades.</summary>
    public double Positive { get; }

    /// <summary>Data value at the top channel.</summary>
    public double MaxValue { get; }

    /// <summary>The lookup table: entry i is the data value displayed at channel i (0…4096).</summary>
    public ReadOnlySpan<double> Table => _data;

    /// <inheritdoc/>
    public override double Apply(double value)
    {
        if (double.IsNaN(value))
        {
            return value;
        }

        var data = _data;
        if (value <= data[0])
        {
            return 0;
        }

        if (value >= data[ChannelRange])
        {
            return ChannelRange;
        }

        // Largest i with data[i] <= value; then interpolate toward i + 1.
        int lo = 0, hi = ChannelRange;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >>> 1;
            if (data[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo + ((value - data[lo]) / (data[lo + 1] - data[lo]));
    }

    /// <inheritdoc/>
    public override double Inverse(double value)
    {
        if (double.IsNaN(value))
        {
            return value;
        }

        var data = _data;
        if (value <= 0)
        {
            return data[0];
        }

        if (value >= ChannelRange)
        {
            return data[ChannelRange];
        }

        var i = (int)value;
        var fraction = value - i;
        return data[i] + (fraction * (data[i + 1] - data[i]));
    }

    /// <summary>The spec string, e.g. <c>biex:negative=0,width=-10,positive=4.41854,max=262144.000029</c>.</summary>
    public override string ToString() =>
        $"biex:negative={Format(Negative)},width={Format(Width)},positive={Format(Positive)},max={Format(MaxValue)}";

    /// <summary>
    /// Builds FlowJo's table (the algorithm FlowKit ports from cytolib, which ports TreeStar's Java):
    /// split the 4096 channels at a zero channel in proportion extra : decades, fill the positive
    /// side with minimum·(e^(i/n·p) − s·e^(−i/n·q) − offset) where q solves the logicle condition
    /// for the width, and mirror it for the negative side.
    /// </summary>
    private static double[] BuildTable(double negative, double widthBasis, double positive, double maxValue)
    {
        const int points = ChannelRange + 1;
        var ln10 = Math.Log(10);
        var width = Math.Log10(-widthBasis);
        var decades = positive - (width / 2);
        var extra = negative + (width / 2);
        var zero = (int)(extra * ChannelRange / (extra + decades));
        zero = Math.Min(zero, ChannelRange / 2);
        if (zero > 0)
        {
            decades = extra * ChannelRange / zero;
        }

        width /= 2 * decades;
        var positiveRange = ln10 * decades;
        var minimum = maxValue / Math.Exp(positiveRange);
        var negativeRange = LogicleCoefficients.SolveD(positiveRange, width);
        var scale = Math.Exp((positiveRange + negativeRange) * (width + (extra / decades)));

        var table = new double[points];
        double Raw(int i) => Math.Exp((double)i / points * positiveRange) - (scale * Math.Exp((double)i / points * -negativeRange));
        var atZero = Raw(zero);
        for (var i = zero; i < points; i++)
        {
            table[i] = minimum * (Raw(i) - atZero);
        }

        for (var i = 0; i < zero; i++)
        {
            table[i] = -table[(2 * zero) - i];
        }

        return table;
    }
}
