namespace HiAim.Cytometry.Simulation;

/// <summary>One simulated blood draw: a row of the sample sheet and the name of its FCS file.</summary>
/// <param name="FileName">File name, <c>&lt;patient&gt;_&lt;timepoint&gt;.fcs</c>.</param>
/// <param name="PatientIndex">Zero-based patient number.</param>
/// <param name="PatientId">Patient identifier, e.g. <c>P001</c>.</param>
/// <param name="Arm">The patient's study arm.</param>
/// <param name="TimepointIndex">Zero-based position of the timepoint in the design.</param>
/// <param name="Timepoint">Timepoint name, e.g. <c>pre</c>.</param>
/// <param name="BeadsPerTest">Trucount beads per tube (the lot value printed on the pouch).</param>
/// <param name="VolumeUl">Whole blood pipetted into the tube, µL.</param>
public sealed record TbnkSample(string FileName, int PatientIndex, string PatientId, TrialArm Arm, int TimepointIndex, string Timepoint, int BeadsPerTest, double VolumeUl)
{
    /// <summary>Sample identifier written as <c>$SRC</c> and <c>SAMPLE ID</c>: the file name without extension.</summary>
    public string SampleId => Path.GetFileNameWithoutExtension(FileName);
}
