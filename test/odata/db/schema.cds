// The tables of the OData test service: the regress test's authors,
// books, genres and notes (a uuid key, which CAP generates), and the
// differential test's items.
namespace rest_fdw.test;

entity Authors {
  key ID      : Integer;
      name    : String(100);
      country : String(2);
}

entity Books {
  key ID        : Integer;
      title     : String(200);
      author    : Association to Authors;
      price     : Decimal(9, 2);
      stock     : Integer;
      published : Date;
      in_stock  : Boolean;
}

entity Genres {
  key code : String(20);
      name : String(100);
}

entity Notes {
  key ID   : UUID;
      text : String;
}

entity Items {
  key id   : Integer64;
      name : String;
      tag  : String;
      grp  : Integer;
      num  : Decimal;
      day  : Date;
      at   : Timestamp;
      flag : Boolean;
}
