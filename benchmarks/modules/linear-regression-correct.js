module.exports = require('./mlp.js').make({ hidden: 0 });
