using System.Globalization;
using System.Text;

namespace Uplink.Protocol.Amf;

/// <summary>
/// An AMF0 object or ECMA array as decoded: properties in wire order, looked up by name.
/// Used on the (rare) receive path and for building commands; never on the per-frame path.
/// </summary>
public sealed class AmfObject
{
    private readonly List<KeyValuePair<string, object?>> _properties = [];

    /// <summary>An empty object, or an empty ECMA array when <paramref name="isEcmaArray"/>.</summary>
    public AmfObject(bool isEcmaArray = false) => IsEcmaArray = isEcmaArray;

    /// <summary>True when this came from (or is written as) an ECMA array rather than an anonymous object.</summary>
    public bool IsEcmaArray { get; }

    /// <summary>The class name of a typed object, else null.</summary>
    public string? ClassName { get; init; }

    /// <summary>The number of properties.</summary>
    public int Count => _properties.Count;

    /// <summary>The properties in wire order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties => _properties;

    /// <summary>Gets the first property of that name, or null when absent; setting replaces it, or adds it at the end.</summary>
    public object? this[string name]
    {
        get => TryGet(name, out object? value) ? value : null;
        set
        {
            for (int i = 0; i < _properties.Count; i++)
            {
                if (_properties[i].Key == name)
                {
                    _properties[i] = new(name, value);
                    return;
                }
            }

            _properties.Add(new(name, value));
        }
    }

    /// <summary>Appends a property (even when one of that name exists).</summary>
    /// <returns>This object, for chaining.</returns>
    public AmfObject Add(string name, object? value)
    {
        _properties.Add(new(name, value));
        return this;
    }

    /// <summary>Gets the first property of that name.</summary>
    public bool TryGet(string name, out object? value)
    {
        foreach (KeyValuePair<string, object?> p in _properties)
        {
            if (p.Key == name)
            {
                value = p.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The first property of that name when it is a string, else null.</summary>
    public string? GetString(string name) => this[name] as string;

    /// <summary>The first property of that name when it is a number, else null.</summary>
    public double? GetNumber(string name) => this[name] is double d ? d : null;

    /// <summary>The properties as <c>{name: value, …}</c>, for logs.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < _properties.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_properties[i].Key).Append(": ").Append(Format(_properties[i].Value));
        }

        return sb.Append('}').ToString();
    }

    internal static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        double d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        object?[] a => "[" + string.Join(", ", Array.ConvertAll(a, Format)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
