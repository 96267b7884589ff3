using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Features.Worklists;

/// <summary>The .wl file Orthanc's ModalityWorklists plugin answers C-FIND from: one requested procedure, one scheduled step.</summary>
public static class WorklistFileWriter
{
    /// <summary>Modality Worklist Information Model - FIND, the SOP class the file's meta header names.</summary>
    public const string WorklistSopClass = "1.2.840.10008.5.1.4.31";

    public static byte[] Write(WorklistEntry e)
    {
        var step = new DicomDataset()
            .Add(0x0008, 0x0060, "CS", e.Modality)                                  // Modality
            .Add(0x0040, 0x0001, "AE", e.StationAet)                                // ScheduledStationAETitle
            .Add(0x0040, 0x0002, "DA", DicomDates.Date(e.ScheduledAt))              // ScheduledProcedureStepStartDate
            .Add(0x0040, 0x0003, "TM", DicomDates.Time(e.ScheduledAt))              // ScheduledProcedureStepStartTime
            .Add(0x0040, 0x0006, "PN", e.Physician)                                 // ScheduledPerformingPhysicianName
            .Add(0x0040, 0x0007, "LO", e.Procedure)                                 // ScheduledProcedureStepDescription
            .Add(0x0040, 0x0009, "SH", e.AccessionNumber);                          // ScheduledProcedureStepID
        var dataset = new DicomDataset()
            .Add(0x0008, 0x0005, "CS", "ISO_IR 192")                                // SpecificCharacterSet: UTF-8
            .Add(0x0008, 0x0050, "SH", e.AccessionNumber)                           // AccessionNumber
            .Add(0x0010, 0x0010, "PN", e.PatientName)                               // PatientName
            .Add(0x0010, 0x0020, "LO", e.PatientId)                                 // PatientID
            .Add(0x0010, 0x0030, "DA", e.BirthDate)                                 // PatientBirthDate
            .Add(0x0010, 0x0040, "CS", e.Sex)                                       // PatientSex
            .Add(0x0020, 0x000D, "UI", e.StudyInstanceUid)                          // StudyInstanceUID
            .Add(0x0032, 0x1060, "LO", e.Procedure)                                 // RequestedProcedureDescription
            .AddSequence(0x0040, 0x0100, step)                                      // ScheduledProcedureStepSequence
            .Add(0x0040, 0x1001, "SH", e.AccessionNumber);                          // RequestedProcedureID
        return DicomFileWriter.Write(dataset, WorklistSopClass, DicomFileWriter.NewUid());
    }
}
