import { z } from 'zod';

/** `*`, or `<module>:<action>` of a known module (`crm:read`, `hr:*`, ...). */
export const PERMISSION = /^(\*|(platform|crm|office|hr|identity):([a-z_]+|\*))$/;

export const permissionList = z
  .array(z.string().regex(PERMISSION, 'each must be * or <module>:<action> with module platform, crm, office, hr or identity'))
  .min(1)
  .max(100)
  .transform((list) => [...new Set(list)]);
