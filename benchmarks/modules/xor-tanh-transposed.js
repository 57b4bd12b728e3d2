module.exports = require('./mlp.js').make({ hidden: 8, activation: 'tanh', bug: 'transposed' });
