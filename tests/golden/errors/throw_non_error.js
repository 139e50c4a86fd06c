// @exit: 1
throw { code: 42, reason: "plain object" };
