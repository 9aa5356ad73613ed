/**
 * Strict SemVer 2.0.0, as the Unleash SDKs accept it for the SEMVER_* operators (no leading `v`).
 * Fields end in `_`: internal, so the SDK build shortens them.
 */
export interface SemVer {
  major_: number;
  minor_: number;
  patch_: number;
  prerelease_: (string | number)[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Shared by every version without a prerelease: read only. */
const NO_PRERELEASE: (string | number)[] = [];

export function parseSemver(input: string): SemVer | null {
  const m = SEMVER.exec(input.trim());
  if (!m) return null;
  return {
    major_: Number(m[1]),
    minor_: Number(m[2]),
    patch_: Number(m[3]),
    prerelease_: m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : NO_PRERELEASE,
  };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  const aNum = typeof a === 'number';
  const bNum = typeof b === 'number';
  if (aNum && !bNum) return -1;
  if (bNum && !aNum) return 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major_ !== b.major_) return a.major_ < b.major_ ? -1 : 1;
  if (a.minor_ !== b.minor_) return a.minor_ < b.minor_ ? -1 : 1;
  if (a.patch_ !== b.patch_) return a.patch_ < b.patch_ ? -1 : 1;
  const pa = a.prerelease_;
  const pb = b.prerelease_;
  // A release ranks above any of its prereleases.
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(pa[i], pb[i]);
    if (c !== 0) return c;
  }
  return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
}
