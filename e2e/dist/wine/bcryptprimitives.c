// A stand-in for Windows' bcryptprimitives.dll, for wine releases that lack it
// (Debian 12's wine 8.0). Go's runtime (1.22 and later) loads ProcessPrng from it
// at start-up; this one fills the buffer from RtlGenRandom (advapi32's
// SystemFunction036), which every wine has. Test-only: it is never shipped.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n)) {
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}
