/* processprng.c: a test-harness shim for Wine 8, never shipped.
 *
 * Go >= 1.22 programs on Windows need ProcessPrng from bcryptprimitives.dll,
 * which Wine 8.0 (Debian 12) does not have. This DLL exports it, backed by
 * RtlGenRandom (advapi32's SystemFunction036). testdata/windows/prefix.sh
 * builds it and copies it into the private Wine prefix's system32. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        size -= n;
    }
    return TRUE;
}
