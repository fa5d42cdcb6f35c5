// Mocha's browser build, set up before the test files register their suites (imported first).
import 'mocha/mocha.js';

mocha.setup({ ui: 'bdd', timeout: 600_000 });
