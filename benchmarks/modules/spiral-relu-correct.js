module.exports = require('./mlp.js').make({ hidden: 16, activation: 'relu' });
