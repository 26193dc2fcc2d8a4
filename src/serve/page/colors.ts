/** The object colours named in the primitive API, as the view paints them. */
export const COLOR_HEX: Record<string, number> = {
  blue: 0x2f6fdf,
  red: 0xd93a3a,
  green: 0x2fa84f,
  orange: 0xf08c2a,
  yellow: 0xf2d23c,
  purple: 0x8a4fd0,
  pink: 0xf07ab8,
  cyan: 0x35c6d6,
  brown: 0x8b5a2b,
  gray: 0x8c8c8c,
};
