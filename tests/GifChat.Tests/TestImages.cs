namespace GifChat.Tests;

/// <summary>Files to upload, built byte by byte so the tests say exactly what is in them.</summary>
public static class TestImages
{
    /// <summary>
    /// The smallest useful GIF89a: a 1×1 image, two-colour global palette, one white pixel. 43 bytes:
    /// header, logical screen descriptor, palette, graphic control extension, image descriptor, LZW data, trailer.
    /// </summary>
    public static readonly byte[] TinyGif =
    [
        .."GIF89a"u8,                                   // signature and version
        0x01, 0x00, 0x01, 0x00,                         // logical screen 1 × 1
        0x80, 0x00, 0x00,                               // global colour table of 2 entries, background 0, aspect 0
        0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,             // palette: white, black
        0x21, 0xF9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, // graphic control extension (no delay, no transparency)
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // image descriptor: at 0,0, 1 × 1, no local table
        0x02, 0x02, 0x44, 0x01, 0x00,                   // LZW minimum code size 2, one sub-block of 2 bytes, end
        0x3B,                                           // trailer
    ];

    /// <summary>The start of a Windows executable ("MZ" and the DOS stub's message), to be renamed <c>.gif</c>.</summary>
    public static readonly byte[] WindowsExe =
    [
        .."MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00,
        .."This program cannot be run in DOS mode.\r\n"u8,
    ];

    /// <summary>A PNG signature and an IHDR chunk: an image, but not a GIF.</summary>
    public static readonly byte[] Png =
    [
        0x89, .."PNG"u8, 0x0D, 0x0A, 0x1A, 0x0A,
        0x00, 0x00, 0x00, 0x0D, .."IHDR"u8, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00,
        0x1F, 0x15, 0xC4, 0x89,
    ];

    /// <summary>A valid GIF header followed by zeros up to <paramref name="size"/> bytes: passes the signature check, fails the size check.</summary>
    public static byte[] GifOfSize(int size)
    {
        var bytes = new byte[size];
        TinyGif.AsSpan(0, 13).CopyTo(bytes);
        return bytes;
    }
}
