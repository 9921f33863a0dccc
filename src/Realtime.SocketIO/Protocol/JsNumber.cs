using System.Globalization;

namespace Realtime.SocketIO.Protocol;

/// <summary>Formats numbers the way JavaScript's <c>Number.prototype.toString()</c> (and so <c>JSON.stringify</c>) does.</summary>
internal static class JsNumber
{
    /// <summary>
    /// Writes <paramref name="value"/> as JavaScript would: the shortest digits that round-trip, in plain notation
    /// for 1e-7 &lt; |x| &lt; 1e21 and as <c>1.5e+21</c> / <c>1e-7</c> otherwise; <c>-0</c> as <c>0</c>.
    /// Returns false for NaN and infinities (JSON.stringify writes <c>null</c> for them).
    /// </summary>
    public static bool TryFormat(double value, Span<char> destination, out int written)
    {
        written = 0;
        if (!double.IsFinite(value)) return false;
        if (value == 0) { destination[0] = '0'; written = 1; return true; }

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from JavaScript.
        Span<char> raw = stackalloc char[32];
        value.TryFormat(raw, out var rawLength, "R", CultureInfo.InvariantCulture);
        raw = raw[..rawLength];

        var negative = raw[0] == '-';
        if (negative) raw = raw[1..];
        var exponent = 0;
        var e = raw.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(raw[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            raw = raw[..e];
        }

        // digits: the significant digits; n: the position of the decimal point relative to them (ECMA-262 Number::toString).
        Span<char> digits = stackalloc char[32];
        var k = 0;
        var pointAt = raw.IndexOf('.');
        var intLength = pointAt < 0 ? raw.Length : pointAt;
        var leadingZeros = 0;
        var seenNonZero = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '.') continue;
            if (!seenNonZero)
            {
                if (c == '0') { leadingZeros++; continue; }
                seenNonZero = true;
            }
            digits[k++] = c;
        }
        while (k > 1 && digits[k - 1] == '0') k--;
        var n = intLength - leadingZeros + exponent;

        var w = 0;
        if (negative) destination[w++] = '-';
        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(destination[w..]); w += k;
            for (var i = 0; i < n - k; i++) destination[w++] = '0';
        }
        else if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[w..]); w += n;
            destination[w++] = '.';
            digits[n..k].CopyTo(destination[w..]); w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[w++] = '0'; destination[w++] = '.';
            for (var i = 0; i < -n; i++) destination[w++] = '0';
            digits[..k].CopyTo(destination[w..]); w += k;
        }
        else
        {
            destination[w++] = digits[0];
            if (k > 1)
            {
                destination[w++] = '.';
                digits[1..k].CopyTo(destination[w..]); w += k - 1;
            }
            destination[w++] = 'e';
            var exp = n - 1;
            destination[w++] = exp < 0 ? '-' : '+';
            Math.Abs(exp).TryFormat(destination[w..], out var expLength, default, CultureInfo.InvariantCulture);
            w += expLength;
        }
        written = w;
        return true;
    }

    /// <summary>JavaScript's text for <paramref name="value"/> ("null" for NaN and infinities, as JSON.stringify).</summary>
    public static string ToString(double value)
    {
        Span<char> buffer = stackalloc char[40];
        return TryFormat(value, buffer, out var written) ? new string(buffer[..written]) : "null";
    }
}
