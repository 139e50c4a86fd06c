// @exit: 1
setTimeout(function tick() {
  null.property;
}, 1);
