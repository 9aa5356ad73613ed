/** Break-glass: the header that declares an emergency change and its reason (docs/governance.md). */
export const EMERGENCY_HEADER = 'omnilab-emergency';
