// Jest's module loader cannot require() ES modules on Node 20 (Node's own require(esm)
// can, which is what the built apps use). NestJS 12 and a few of its dependencies ship
// ESM only, so jest compiles ES modules from node_modules to CommonJS with swc, and
// leaves CommonJS packages untouched (recompiling those in strict mode could break them).
const swcJest = require('@swc/jest');

const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s+(\*|\{|default|const|function|class|let|var|async))/m;

module.exports = {
  createTransformer(options) {
    const swc = swcJest.createTransformer(options);
    const isNodeModule = (path) => path.includes('/node_modules/');
    return {
      ...swc,
      process(source, path, transformOptions) {
        if (isNodeModule(path) && !ESM_SYNTAX.test(source)) return { code: source };
        return swc.process(source, path, transformOptions);
      },
      getCacheKey(source, path, transformOptions) {
        return swc.getCacheKey(source, path, transformOptions) + (isNodeModule(path) && !ESM_SYNTAX.test(source) ? ':raw' : ':swc');
      },
    };
  },
};
