using System.Runtime.InteropServices;
using System.Text;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// Unicode normalisation (NFC, NFD, NFKC, NFKD) and full lower-casing through the system's ICU library.
/// </summary>
/// <remarks>
/// The solution runs with InvariantGlobalization, under which string.Normalize returns its input unchanged and
/// ToLowerInvariant does simple case mapping only (İ stays İ, final sigma is not told apart). Hugging Face's
/// normalizers do the full Unicode operations, so they are asked of ICU (libicuuc, on every Debian machine .NET runs
/// on) directly. Without ICU a tokenizer.json that needs these normalizers is refused, never approximated.
/// </remarks>
internal static unsafe class IcuText
{
    const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR
    static readonly Lazy<Library> Icu = new(Library.Load);

    public static bool IsAvailable => Icu.Value.Handle != IntPtr.Zero;

    /// <summary>The form's ICU instance name and mode for unorm2_getInstance (data "nfc" or "nfkc"; compose or decompose).</summary>
    public static string Normalize(string text, NormalizationForm form)
    {
        if (text.Length == 0) return text;
        var icu = Icu.Value.Require();
        var (name, mode) = form switch
        {
            NormalizationForm.FormC => ("nfc", 0),
            NormalizationForm.FormD => ("nfc", 1),
            NormalizationForm.FormKC => ("nfkc", 0),
            NormalizationForm.FormKD => ("nfkc", 1),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        var error = 0;
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        IntPtr normalizer;
        fixed (byte* n = nameBytes) normalizer = icu.GetInstance(IntPtr.Zero, n, mode, &error);
        Check(error, "unorm2_getInstance");
        return Transform(text, (source, length, destination, capacity, err) => icu.Normalize(normalizer, source, length, destination, capacity, err));
    }

    /// <summary>Full Unicode lower-casing with the root locale, as Rust's str::to_lowercase does.</summary>
    public static string ToLower(string text)
    {
        if (text.Length == 0) return text;
        var icu = Icu.Value.Require();
        var root = stackalloc byte[1];
        root[0] = 0;
        return Transform(text, (source, length, destination, capacity, err) => icu.ToLower(destination, capacity, source, length, root, err));
    }

    delegate int Operation(char* source, int length, char* destination, int capacity, int* error);

    static string Transform(string text, Operation operation)
    {
        var capacity = text.Length * 3 + 16;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var buffer = new char[capacity];
            var error = 0;
            int written;
            fixed (char* source = text)
            fixed (char* destination = buffer)
                written = operation(source, text.Length, destination, capacity, &error);
            if (error == BufferOverflow) { capacity = written + 1; continue; }
            Check(error, "ICU");
            return new string(buffer, 0, written);
        }
        throw new InvalidOperationException("ICU kept asking for a larger buffer.");
    }

    static void Check(int error, string what)
    {
        // ICU's warnings are negative, failures above zero.
        if (error > 0) throw new InvalidOperationException($"{what} failed with ICU error {error}.");
    }

    sealed class Library
    {
        public IntPtr Handle { get; private init; }
        public delegate* unmanaged<IntPtr, byte*, int, int*, IntPtr> GetInstance { get; private init; }
        public delegate* unmanaged<IntPtr, char*, int, char*, int, int*, int> Normalize { get; private init; }
        public delegate* unmanaged<char*, int, char*, int, byte*, int*, int> ToLower { get; private init; }

        public Library Require() => Handle != IntPtr.Zero ? this
            : throw new PlatformNotSupportedException("Unicode normalisation needs the ICU library (libicuuc), which is not installed.");

        // Debian names the library by major version and suffixes every symbol with it (unorm2_normalize_72).
        public static Library Load()
        {
            for (var version = 90; version >= 50; version--)
            {
                if (!NativeLibrary.TryLoad($"libicuuc.so.{version}", out var handle)) continue;
                var suffix = NativeLibrary.TryGetExport(handle, $"unorm2_normalize_{version}", out _) ? $"_{version}" : "";
                return new Library
                {
                    Handle = handle,
                    GetInstance = (delegate* unmanaged<IntPtr, byte*, int, int*, IntPtr>)NativeLibrary.GetExport(handle, "unorm2_getInstance" + suffix),
                    Normalize = (delegate* unmanaged<IntPtr, char*, int, char*, int, int*, int>)NativeLibrary.GetExport(handle, "unorm2_normalize" + suffix),
                    ToLower = (delegate* unmanaged<char*, int, char*, int, byte*, int*, int>)NativeLibrary.GetExport(handle, "u_strToLower" + suffix),
                };
            }
            return new Library();
        }
    }
}
