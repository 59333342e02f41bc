/*
 * bcryptprimitives.dll for wine 8, which lacks it. Rust's std (1.78 and later) imports
 * ProcessPrng from it for its random numbers (HashMap keys); Windows 10 and later have
 * it. This stand-in fills the buffer from BCryptGenRandom with the system's preferred
 * generator, in pieces of at most ULONG_MAX bytes. Built by wine.js with mingw-w64 and
 * copied into the wine prefix only; never shipped.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG piece = len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, piece, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += piece;
        len -= piece;
    }
    return TRUE;
}
