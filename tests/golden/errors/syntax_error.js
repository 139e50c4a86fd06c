// @exit: 1
const ok = 1;
const broken = {;
