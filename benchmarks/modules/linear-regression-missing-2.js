module.exports = require('./mlp.js').make({ hidden: 0, bug: 'missing-2' });
