// Module resolve hook: adds the `@lightstick/source` export condition, so `@lightstick/protocol` resolves to its
// TypeScript sources (as `node --conditions=@lightstick/source` would) when the server runs from this bin
// script, where no node flag can be given (npm's bin shim, the Docker image's ENTRYPOINT).
const CONDITION = '@lightstick/source';

export async function resolve(specifier, context, nextResolve) {
  if (context.conditions.includes(CONDITION)) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, CONDITION] });
}
