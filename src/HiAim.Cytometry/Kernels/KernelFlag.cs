namespace HiAim.Cytometry.Kernels;

/// <summary>A compile-time boolean for generic kernel specialisation: the JIT removes the untaken branch.</summary>
internal interface IKernelFlag
{
    static abstract bool Value { get; }
}

/// <summary>The flag is set.</summary>
internal readonly struct FlagOn : IKernelFlag
{
    public static bool Value => true;
}

/// <summary>The flag is clear.</summary>
internal readonly struct FlagOff : IKernelFlag
{
    public static bool Value => false;
}
