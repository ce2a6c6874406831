/** Category ids of the operating contract (spec section 9). */
export const CATEGORIES = [
  'hardware',
  'software',
  'network',
  'access',
  'email',
  'printing',
  'telephony',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];
