import { z } from 'zod';
import { PERMISSION_FORMAT, PERMISSION_PATTERN } from '@bacbos/common';

/** `*`, or `<module>:<action>` of a module of the manifest (`crm:read`, `hr:*`, ...). */
export const permissionList = z
  .array(z.string().regex(PERMISSION_PATTERN, `each must be ${PERMISSION_FORMAT}`))
  .min(1)
  .max(100)
  .transform((list) => [...new Set(list)]);
