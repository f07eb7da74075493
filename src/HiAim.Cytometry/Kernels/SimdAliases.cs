// The width-generic kernels under their width names, for the registries and call sites: one source body per
// kernel (see ISimdWidth), instantiated per vector width. The JIT compiles each instantiation separately, so
// e.g. LogicleV256 is LogicleSimd specialised for Vector256. AffineV256/V512 and TableSolveV256 are hand-written
// classes again, because the generic versions measured slower (benchmarks/README.md, "Width-generic kernels").

global using ArcsinhV256 = HiAim.Cytometry.Transforms.Kernels.ArcsinhSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
global using ExpLogV256 = HiAim.Cytometry.Transforms.Kernels.ExpLogSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
global using HyperlogV256 = HiAim.Cytometry.Transforms.Kernels.HyperlogSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
global using LogicleV256 = HiAim.Cytometry.Transforms.Kernels.LogicleSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
global using EllipsoidV256 = HiAim.Cytometry.Gating.Kernels.EllipsoidSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
global using ArcsinhV512 = HiAim.Cytometry.Transforms.Kernels.ArcsinhSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
global using ExpLogV512 = HiAim.Cytometry.Transforms.Kernels.ExpLogSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
global using HyperlogV512 = HiAim.Cytometry.Transforms.Kernels.HyperlogSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
global using LogicleV512 = HiAim.Cytometry.Transforms.Kernels.LogicleSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
global using TableSolveV512 = HiAim.Cytometry.Transforms.Kernels.TableSolveSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
global using EllipsoidV512 = HiAim.Cytometry.Gating.Kernels.EllipsoidSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;
