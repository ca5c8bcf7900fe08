namespace Uplink.Codecs.Hevc;

/// <summary>One NAL unit array of an hvcC.</summary>
/// <param name="ArrayCompleteness">array_completeness: every NAL unit of this type is here, none in the samples.</param>
/// <param name="NalUnitType">NAL_unit_type of every NAL unit of the array.</param>
/// <param name="NalUnits">The NAL units, header included.</param>
internal sealed record HevcNalUnitArray(bool ArrayCompleteness, HevcNalUnitType NalUnitType, IReadOnlyList<byte[]> NalUnits);
