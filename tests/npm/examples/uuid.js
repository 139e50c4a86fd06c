// uuid's README, "Create a UUID" and v5, unmodified; then checks of what it returned
// (v4 is random: run with --seed for a fixed value).
import { v4 as uuidv4 } from 'uuid';

uuidv4(); // ⇨ '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'

import { v5 as uuidv5, validate, version } from 'uuid';

uuidv5('https://www.w3.org/', uuidv5.URL); // ⇨ 'c106a26a-21bb-5538-8bf2-57095d1976c1'

const id = uuidv4();
console.log(validate(id), version(id));
console.log(uuidv5('https://www.w3.org/', uuidv5.URL));
