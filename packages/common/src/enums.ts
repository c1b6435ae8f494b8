// The one rule for GraphQL enums: a value's internal value (what resolvers return and receive, and
// what the database stores) is its name in lower case, e.g. `NEEDS_ACTION` <-> 'needs_action'.
// Subgraph registration (modules.ts) applies it to every enum of the SDL and GraphQL Code Generator
// (codegen.ts) types the resolvers with it, so no module maps an enum by hand.

/** The internal value of an enum value, e.g. `internalEnumValue('NEEDS_ACTION')` is 'needs_action'. */
export function internalEnumValue<Name extends string>(name: Name): Lowercase<Name> {
  return name.toLowerCase() as Lowercase<Name>;
}
