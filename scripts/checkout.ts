// The checkout's root folder, the same from the TypeScript sources (<root>/scripts) as from the
// compiled output (<root>/dist/scripts): `npm start` runs either, and both keep their data in
// <root>/.data and read the committed schema files of <root>/schema.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const above = join(__dirname, '..');
export const checkoutRoot = basename(above) === 'dist' && existsSync(join(above, '..', 'package.json')) ? dirname(above) : above;
